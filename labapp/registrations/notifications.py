"""Emails about one registration, written to the outbox in the caller's transaction."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from flask import current_app
from markupsafe import escape
from sqlalchemy import select

from labapp.core.urls import external_url
from labapp.db import db
from labapp.mail.kinds import EmailKind
from labapp.mail.language import in_language
from labapp.mail.models import OutboxMessage
from labapp.mail.outbox import queue_email, render_email
from labapp.registrations.invites import invite_for_email
from labapp.registrations.links import manage_links
from labapp.registrations.models import Registration, RegistrationStatus
from labapp.sessions.links import agenda_url, session_url
from labapp.sessions.models import LabSession

# Stands in for a value only known once the session is locked (the place in line): the email is
# rendered before the lock with this marker, which `PreparedEmail.fill` then replaces. Braces and
# letters pass through HTML escaping unchanged, so the marker reads the same in every part.
PLACE_IN_LINE = "{place-in-line}"


@dataclass(frozen=True)
class PreparedEmail:
    """An email rendered for one person and not yet in the outbox (see register)."""

    kind: EmailKind
    to_address: str
    to_name: str
    subject: str
    text_body: str
    html_body: str
    calendar_ics: str | None
    reply_to: str | None
    language: str = "en"

    def fill(self, marker: str, value: object) -> PreparedEmail:
        """The same email with every `marker` replaced by `value`."""
        text = str(value)
        return replace(
            self,
            subject=self.subject.replace(marker, text),
            text_body=self.text_body.replace(marker, text),
            html_body=self.html_body.replace(marker, escape(text)),
        )

    def queue(self, *, registration_id: int | None, now: datetime) -> OutboxMessage:
        """Add the email to the outbox in the caller's transaction."""
        return queue_email(
            to_address=self.to_address,
            to_name=self.to_name,
            subject=self.subject,
            text_body=self.text_body,
            html_body=self.html_body,
            kind=self.kind,
            now=now,
            calendar_ics=self.calendar_ics,
            reply_to=self.reply_to,
            registration_id=registration_id,
            language=self.language,
        )


def prepare_registration_email(
    registration: Registration, *, kind: EmailKind, now: datetime, **extra: Any
) -> PreparedEmail:
    """Render the email of `kind` for this person, without touching the database.

    Works for a registration not yet flushed (no id): register renders before it takes the
    session's row lock, so the lock is held only for the seat check and the inserts.
    Confirmations, promotions and session updates carry a calendar invite (REQUEST), cancellations
    its removal (CANCEL), with the same UID: see `EmailKind.invite` in mail/kinds.py.
    Everything, the invite's description too, is in the person's language (`registration.language`);
    values in `extra` that hold words must have been computed in it as well (`in_language`).
    """
    lab = registration.lab_session
    context = {
        "registration": registration,
        "lab": lab,
        **manage_links(registration),
        "session_url": session_url(lab),
        "agenda_url": agenda_url(lab),
        "protocol_url": external_url("protocol.index"),
        "sessions_url": external_url("sessions.index"),
        "my_record_url": external_url("records.request_link"),
        **extra,
    }
    with in_language(registration.language) as language:
        subject, text_body, html_body = render_email(kind, language=language, **context)
        calendar_ics = invite_for_email(registration, kind=kind, now=now)
    return PreparedEmail(
        kind=kind,
        to_address=registration.email,
        to_name=registration.full_name,
        subject=subject,
        text_body=text_body,
        html_body=html_body,
        calendar_ics=calendar_ics,
        language=language,
        # A session's own reply-to (set by its facilitator) wins over the site-wide MAIL_REPLY_TO.
        reply_to=lab.reply_to or current_app.config.get("MAIL_REPLY_TO"),
    )


def queue_registration_email(
    registration: Registration, *, kind: EmailKind, now: datetime, **extra: Any
) -> OutboxMessage:
    """Render the email of `kind` for this person and add it to the outbox (caller's transaction)."""
    prepared = prepare_registration_email(registration, kind=kind, now=now, **extra)
    return prepared.queue(registration_id=registration.id, now=now)


def _registrations_of(lab_id: int, statuses: tuple[RegistrationStatus, ...]) -> list[Registration]:
    return list(
        db.session.scalars(
            select(Registration)
            .where(Registration.lab_session_id == lab_id, Registration.status.in_(statuses))
            .order_by(Registration.id)
        )
    )


def notify_session_updated(lab: LabSession, *, now: datetime) -> list[OutboxMessage]:
    """Queue `Updated: …` (with the updated invite) to every confirmed person, in the caller's transaction."""
    return [
        queue_registration_email(registration, kind=EmailKind.SESSION_UPDATED, now=now)
        for registration in _registrations_of(lab.id, (RegistrationStatus.CONFIRMED,))
    ]


def notify_session_cancelled(lab: LabSession, *, now: datetime, reason: str = "") -> list[OutboxMessage]:
    """Queue `Cancelled: …` (with METHOD:CANCEL) to everyone confirmed or waitlisted, in the caller's transaction."""
    return [
        queue_registration_email(registration, kind=EmailKind.SESSION_CANCELLED, now=now, reason=reason)
        for registration in _registrations_of(lab.id, (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED))
    ]
