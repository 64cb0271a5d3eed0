"""Certificates of participation for people who attended (checked in at) a session."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l

from labapp import timefmt
from labapp.core.urls import external_url
from labapp.db import unit_of_work
from labapp.mail.kinds import EmailKind
from labapp.mail.language import in_language
from labapp.mail.models import OutboxMessage
from labapp.protocol.agendas import session_agenda
from labapp.registrations.errors import CertificateNotAvailable
from labapp.registrations.links import manage_token
from labapp.registrations.models import Registration
from labapp.registrations.notifications import queue_registration_email


@dataclass(frozen=True)
class Certificate:
    """Everything printed on a certificate of participation."""

    full_name: str
    session_title: str
    date: str
    time_range: str
    duration: str
    duration_minutes: int
    facilitators: list[str]
    organisation_name: str
    topics: list[str]


def certificate_available(registration: Registration, *, now: datetime) -> bool:
    """True when this person attended (confirmed and checked in) a session that has ended."""
    lab = registration.lab_session
    return (
        registration.is_confirmed
        and registration.checked_in_at is not None
        and registration.anonymised_at is None
        and not lab.is_cancelled
        and now >= lab.ends_at
    )


def certificate_for(registration: Registration, *, now: datetime) -> Certificate:
    """The certificate's contents, or CertificateNotAvailable."""
    if not certificate_available(registration, now=now):
        raise CertificateNotAvailable(_l("A certificate is available after the session to people who attended it."))
    lab = registration.lab_session
    return Certificate(
        full_name=registration.full_name,
        session_title=lab.title,
        date=timefmt.format_long_day(lab.starts_at, lab.timezone),
        time_range=timefmt.format_time_range(lab.starts_at, lab.ends_at, lab.timezone),
        duration=timefmt.format_duration(lab.duration_minutes),
        duration_minutes=lab.duration_minutes,
        facilitators=[user.name for user in lab.facilitators],
        organisation_name=current_app.config["ORGANISATION_NAME"],
        topics=[slot.component.title for slot in session_agenda(lab).slots],
    )


def certificate_url(registration: Registration) -> str:
    """Absolute URL of the person's certificate page (behind their private manage link)."""
    return external_url("registrations.certificate", token=manage_token(registration))


def queue_certificate_email(registration: Registration, *, now: datetime) -> OutboxMessage:
    """Email the person a link to their certificate (facilitators' 'resend'); CertificateNotAvailable otherwise."""
    with in_language(registration.language):  # its date and duration, as the email shows them
        certificate = certificate_for(registration, now=now)
    with unit_of_work():
        message = queue_registration_email(
            registration, kind=EmailKind.CERTIFICATE, now=now,
            certificate=certificate, certificate_url=certificate_url(registration),
        )
    return message
