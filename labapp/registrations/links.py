"""The private manage link of a registration: same link in every email, only its hash stored."""

from __future__ import annotations

from labapp.core.urls import external_url
from labapp.registrations.models import Registration
from labapp.tokens import derive_token

MANAGE_PURPOSE = "manage-registration"


def manage_token(registration: Registration) -> str:
    """The registration's manage token, derived from its salt with the secret key."""
    return derive_token(MANAGE_PURPOSE, registration.token_salt)


def manage_url(registration: Registration) -> str:
    """Absolute URL of the manage page, on BASE_URL."""
    return external_url("registrations.manage", token=manage_token(registration))


def manage_links(registration: Registration) -> dict[str, str]:
    """The private links an email about this registration may show, by their template names."""
    return manage_links_for(manage_token(registration))


def manage_links_for(token: str) -> dict[str, str]:
    """The same links for a given token."""
    return {
        "manage_url": external_url("registrations.manage", token=token),
        "cancel_url": external_url("registrations.cancel", token=token),
        "take_seat_url": external_url("registrations.take_seat", token=token),
        "invite_url": external_url("registrations.invite", token=token),
        "certificate_url": external_url("registrations.certificate", token=token),
    }
