"""The private manage link of a registration: same link in every email, only its hash stored."""

from __future__ import annotations

from flask import current_app

from labapp.registrations.models import Registration
from labapp.tokens import derive_token

MANAGE_PURPOSE = "manage-registration"


def manage_token(registration: Registration) -> str:
    """The registration's manage token, derived from its salt with the secret key."""
    return derive_token(MANAGE_PURPOSE, registration.token_salt)


def manage_url(registration: Registration) -> str:
    """Absolute URL of the manage page, built from BASE_URL."""
    return f"{current_app.config['BASE_URL']}/manage/{manage_token(registration)}"
