"""Emails about one registration, written to the outbox in the caller's transaction."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from flask import current_app
from markupsafe import escape
from sqlalchemy import inspect, select

from labapp.core.urls import external_url
from labapp.db import db
from labapp.mail.kinds import EmailKind
from labapp.mail.language import in_language
from labapp.mail.models import OutboxMessage
from labapp.mail.outbox import queue_email, render_email
from labapp.registrations.invites import invite_for_email
from labapp.registrations.links import manage_links, manage_links_for, manage_token
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
    The subject and bodies come from a rendering shared by everyone in the session (see `_shared_parts`).
    """
    lab = registration.lab_session
    with in_language(registration.language) as language:
        subject, text_body, html_body = _parts(registration, kind=kind, language=language, now=now, extra=extra)
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


# A registration email is the same for everyone in a session but for the first name and the private
# links. During a rush 500 people get the same two emails, and rendering one costs about a millisecond
# of CPU inside the request (issue 18). So each is rendered once per session version, kind, language
# and status, with these markers for the person's values, and filled in per person. Letters only, so
# URL building and HTML escaping leave them as they are.
_TOKEN_MARKER = "zqxmarkerzqxtoken"  # noqa: S105 - a marker, not a secret
_NAME_MARKER = "zqxmarkerzqxname"
_MARKER_PREFIX = "zqxmarker"
# Per worker; a session's emails are a few kB each. Cleared when full: a few more renders.
_MAX_SHARED = 512
# What a shared rendering may read of the registration: the same for everyone with the same status.
_SHARED_ATTRIBUTES = frozenset({"is_confirmed", "is_waitlisted", "is_cancelled", "status", "lab_session", "language"})
_MISSING = object()
_PLAIN = (str, int, float, type(None))
_LAB_COLUMNS = tuple(
    attr.key for attr in inspect(LabSession).column_attrs if attr.key not in ("confirmed_count", "waitlisted_count")
)


class _Everyone:
    """The registration as a shared rendering sees it: its status, a marker for the first name.

    Reading anything else (a role, an answer, an address) is noted in `personal`, and that rendering
    is then never shared, so one person's details can never reach another's email: that kind is
    rendered per person instead.
    """

    def __init__(self, registration: Registration) -> None:
        self._registration = registration
        self.personal: list[str] = []

    first_name = _NAME_MARKER

    def __getattr__(self, name: str) -> Any:
        if name not in _SHARED_ATTRIBUTES:
            self.personal.append(name)
        return getattr(self._registration, name)


def _render(registration: Registration | _Everyone, links: dict[str, str], *, kind: EmailKind, language: str,
            extra: dict[str, Any]) -> tuple[str, str, str]:
    lab = registration.lab_session
    context = {
        "registration": registration,
        "lab": lab,
        **links,
        "session_url": session_url(lab),
        "agenda_url": agenda_url(lab),
        "protocol_url": external_url("protocol.index"),
        "sessions_url": external_url("sessions.index"),
        "my_record_url": external_url("records.request_link"),
        **extra,
    }
    return render_email(kind, language=language, **context)


def _parts(registration: Registration, *, kind: EmailKind, language: str, now: datetime,
           extra: dict[str, Any]) -> tuple[str, str, str]:
    """(subject, text, html) for this person: the shared rendering filled in, or a rendering of their own."""
    shared = _shared_parts(registration, kind=kind, language=language, now=now, extra=extra)
    if shared is not None:
        token, name = manage_token(registration), registration.first_name
        subject, text_body, html_body = (part.replace(_TOKEN_MARKER, token) for part in shared)
        filled = (subject.replace(_NAME_MARKER, name), text_body.replace(_NAME_MARKER, name),
                  html_body.replace(_NAME_MARKER, escape(name)))
        # A template that changed a marker (a filter on the name) would leave a trace: render it whole.
        if not any(_MARKER_PREFIX in part.lower() for part in filled):
            return filled
    return _render(registration, manage_links(registration), kind=kind, language=language, extra=extra)


def _shared_parts(registration: Registration, *, kind: EmailKind, language: str, now: datetime,
                  extra: dict[str, Any]) -> tuple[str, str, str] | None:
    """The email as everyone with this status in this version of the session gets it, with markers; or None.

    Keyed by every column of the session (an edit of any of them is a new rendering) but its seat counts.
    """
    # Objects in `extra` (a seat offer) could change under the same identity: those emails are rendered each time.
    if not all(isinstance(value, _PLAIN) for value in extra.values()):
        return None
    lab = registration.lab_session
    key = (kind, language, registration.status, now.year, tuple(sorted(extra.items())),
           tuple(getattr(lab, name) for name in _LAB_COLUMNS))
    # None is cached too: that kind's templates read the person's own details, so it is rendered per person.
    cache: dict[object, tuple[str, str, str] | None] = current_app.extensions.setdefault("labapp_shared_emails", {})
    found = cache.get(key, _MISSING)
    if found is not _MISSING:
        return found  # type: ignore[return-value]
    everyone = _Everyone(registration)
    parts = _render(everyone, manage_links_for(_TOKEN_MARKER), kind=kind, language=language, extra=extra)
    shared = None if everyone.personal else parts
    if len(cache) >= _MAX_SHARED:
        cache.clear()
    cache[key] = shared
    return shared


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
