"""One email of every kind the app sends, written the way the real services write them.

The content is the widest a person could plausibly get: a long title ending in "?", a long
address, a long place and a long join link, so width and wrapping checks see the worst case.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from email.message import EmailMessage

from labapp.accounts.services import request_password_reset
from labapp.db import db, unit_of_work
from labapp.mail.deliver import deliver_pending
from labapp.mail.kinds import Audience, EmailKind, kinds_for
from labapp.records.services import request_record_link
from labapp.registrations.certificates import Certificate, certificate_url
from labapp.registrations.models import Registration
from labapp.registrations.notifications import queue_registration_email
from labapp.reminders.emails import queue_reminder_email
from labapp.sessions.models import SessionFormat
from tests.factories import make_lab_session, make_registration, make_user
from tests.helpers import outbox, resolve_mail_requests
from tests.smtp import SmtpSink

TITLE = "Listening across the table: whose voices shape our classrooms, and who are we not hearing?"
# 40 characters, like the address that made the page after registering scroll sideways.
LONG_ADDRESS = "jordan.okafor.1796286385.lab@example.edu"
LOCATION = "Lincoln Middle School, Library (second floor), 1234 Independence Boulevard, Springfield"
JOIN_URL = "https://meet.example.org/j/81234567890?pwd=QWxsVGhlV2F5RG93blRoZVJpdmVyQW5kQmFjaw"

# Extra context each kind's template reads, as its service passes it.
EXTRAS = {
    EmailKind.WAITLISTED: {"position": 3},
    EmailKind.SESSION_CANCELLED: {"reason": "Our facilitator is unwell; we will schedule it again soon."},
    EmailKind.FACILITATOR_MESSAGE: {
        "message_subject": "Before we meet",
        "message_body": "Please read the short case study first.\n\nSee you soon, and thank you.",
        "sender_name": "Facilitator One",
    },
    EmailKind.FOLLOW_UP: {"commitments": None},
}
# The registrant's kinds that registrations/notifications.py renders (the reminder has its own).
REGISTRATION_KINDS = [kind for kind in kinds_for(Audience.REGISTRANT) if kind != EmailKind.REMINDER]


def queue_every_email(*, now: datetime, language: str = "en") -> None:
    """Queue one email of every kind the app sends (and the confirmations the registrations cause), each
    to a person (or from a page) in `language`; the password reset follows the account, so it stays English."""
    lab = make_lab_session(now=now, title=TITLE, format=SessionFormat.HYBRID, location=LOCATION,
                           join_url=JOIN_URL, starts_at=now + timedelta(days=3))
    facilitator = make_user(email="facilitator.with.a.long.name@example.org", now=now)
    for kind in REGISTRATION_KINDS:
        name = kind.removeprefix("registration_").replace("_", ".")
        registration = make_registration(lab, now=now, email=f"{name}.{LONG_ADDRESS}",
                                         full_name="Jordan Okafor-Whitfield", language=language)
        extra = dict(EXTRAS.get(kind, {}))
        if kind == EmailKind.CERTIFICATE:
            extra.update(certificate=_certificate(language), certificate_url=certificate_url(registration))
        with unit_of_work():
            queue_registration_email(db.session.get(Registration, registration.id), kind=kind, now=now, **extra)
    reminded = make_registration(lab, now=now, email=f"reminder.{LONG_ADDRESS}", language=language)
    with unit_of_work():
        queue_reminder_email(db.session.get(Registration, reminded.id), lab, now=now,
                             prompts=["Which student's voice do you hear least?", "What would change if you did?"])
    request_record_link(email=reminded.email, now=now, language=language)
    request_password_reset(email=facilitator.email, now=now)
    resolve_mail_requests(now=now)  # the worker turns those two requests into emails


def every_email(smtp: SmtpSink, *, now: datetime, language: str = "en") -> dict[str, EmailMessage]:
    """Queue and deliver one email of every kind; returns outbox kind -> the message as it arrived."""
    queue_every_email(now=now, language=language)
    deliver_pending(now=now)
    arrived = {str(message["Message-ID"]): message for message in smtp.messages}
    latest = {row.kind: row for row in outbox()}  # oldest first, so the last of each kind wins
    assert set(latest) >= set(EmailKind), set(EmailKind) - set(latest)
    return {kind: arrived[row.message_id] for kind, row in latest.items()}


def _certificate(language: str = "en") -> Certificate:
    # As certificate_for writes it in that language (queue_certificate_email computes it inside in_language).
    date, time_range, duration = {
        "en": ("Tuesday, December 8, 2026", "4:00–5:30 PM EST", "1 hour 30 minutes"),
        "es": ("martes, 8 de diciembre de 2026", "16:00–17:30 EST", "90 minutos"),
    }[language]
    return Certificate(full_name="Jordan Okafor-Whitfield", session_title=TITLE, date=date,
                       time_range=time_range, duration=duration, duration_minutes=90,
                       facilitators=["Facilitator One"], organisation_name="Conversation Labs", topics=[])
