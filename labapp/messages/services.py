"""Writing to a session's attendees through the outbox, and reading back what was sent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, select

from labapp.db import db, unit_of_work
from labapp.mail.kinds import EmailKind
from labapp.mail.models import OutboxStatus
from labapp.mail.outbox import with_delivery
from labapp.messages.errors import AudienceNotYetAvailable, InvalidMessage, NobodyToMessage
from labapp.messages.models import AttendeeMessage, AttendeeMessageRecipient, MessageAudience
from labapp.registrations.models import Registration, RegistrationStatus
from labapp.registrations.notifications import queue_registration_email
from labapp.sessions.models import LabSession
from labapp.sessions.services import lock_lab_session

MAX_SUBJECT = 150
MAX_BODY = 5000


@dataclass(frozen=True)
class SentTo:
    """One line of a message's record: who, and what became of the email."""

    full_name: str
    email: str
    delivery: str


def _audience_filter(audience: MessageAudience) -> tuple[ColumnElement[bool], ...]:
    if audience == MessageAudience.WAITLISTED:
        return (Registration.status == RegistrationStatus.WAITLISTED,)
    confirmed = Registration.status == RegistrationStatus.CONFIRMED
    if audience == MessageAudience.ATTENDED:
        return (confirmed, Registration.checked_in_at.is_not(None))
    if audience == MessageAudience.ABSENT:
        return (confirmed, Registration.checked_in_at.is_(None))
    return (confirmed,)


def audience_of(lab_session_id: int, audience: MessageAudience) -> list[Registration]:
    """The people a message to this audience would reach, in registration order (anonymised people never)."""
    return list(
        db.session.scalars(
            select(Registration)
            .where(Registration.lab_session_id == lab_session_id, *_audience_filter(audience),
                   Registration.anonymised_at.is_(None))
            .order_by(Registration.id)
        )
    )


def check_audience(lab: LabSession, audience: MessageAudience, *, now: datetime) -> None:
    """Raise AudienceNotYetAvailable for attended / absent before the session has started."""
    if audience.is_by_attendance and now < lab.starts_at:
        raise AudienceNotYetAvailable(_l(
            "“Came” and “did not come” can be chosen once the session has started. "
            "Until then, write to everyone with a seat."
        ))


def _check(subject: str, body: str) -> tuple[str, str]:
    subject, body = " ".join(subject.split()), body.strip()
    if not subject or not body:
        raise InvalidMessage(_l("A message needs a subject and some text."))
    if len(subject) > MAX_SUBJECT or len(body) > MAX_BODY:
        raise InvalidMessage(_l("Please keep the subject under %(subject)s and the text under %(body)s characters.",
                                    subject=MAX_SUBJECT, body=MAX_BODY))
    return subject, body


def send_attendee_message(*, lab_session_id: int, audience: MessageAudience, subject: str, body: str,
                          sent_by_id: int | None, sender_name: str, now: datetime) -> AttendeeMessage:
    """Queue one email per person in the audience and record the message with its recipients, in one transaction.

    Raises InvalidMessage (bad text, or an attendance audience before the start) or NobodyToMessage.
    """
    subject, body = _check(subject, body)
    with unit_of_work():
        check_audience(lock_lab_session(lab_session_id), audience, now=now)
        people = audience_of(lab_session_id, audience)
        if not people:
            raise NobodyToMessage(_l("Nobody is in that group, so there is no one to write to."))
        message = AttendeeMessage(lab_session_id=lab_session_id, sent_by_id=sent_by_id, audience=audience,
                                  subject=subject, body=body, recipient_count=len(people), sent_at=now)
        db.session.add(message)
        db.session.flush()
        for registration in people:
            outbox_row = queue_registration_email(
                registration, kind=EmailKind.FACILITATOR_MESSAGE, now=now,
                message_subject=subject, message_body=body, sender_name=sender_name,
            )
            db.session.flush()
            db.session.add(AttendeeMessageRecipient(message_id=message.id, registration_id=registration.id,
                                                    outbox_message_id=outbox_row.id))
    return message


def messages_for_session(lab_session_id: int) -> list[AttendeeMessage]:
    """Messages sent for a session, newest first."""
    return list(db.session.scalars(
        select(AttendeeMessage).where(AttendeeMessage.lab_session_id == lab_session_id)
        .order_by(AttendeeMessage.sent_at.desc(), AttendeeMessage.id.desc())
    ))


def get_message(lab_session_id: int, message_id: int) -> AttendeeMessage | None:
    """A message of this session (None for another session's message)."""
    message = db.session.get(AttendeeMessage, message_id)
    return message if message is not None and message.lab_session_id == lab_session_id else None


def recipients_of(message_id: int) -> list[SentTo]:
    """Who a message went to and whether it was delivered (one query)."""
    rows = db.session.execute(with_delivery(
        select(Registration.full_name, Registration.email)
        .select_from(AttendeeMessageRecipient)
        .outerjoin(Registration, Registration.id == AttendeeMessageRecipient.registration_id)
        .where(AttendeeMessageRecipient.message_id == message_id)
        .order_by(AttendeeMessageRecipient.id),
        AttendeeMessageRecipient.outbox_message_id,
    ))
    result = []
    for name, email, status, _, error in rows:
        delivery = {OutboxStatus.PENDING: "queued", OutboxStatus.SENT: "sent"}.get(status, "failed" if status else "—")
        if status == OutboxStatus.FAILED and error:
            delivery = f"failed: {error[:120]}"
        result.append(SentTo(full_name=name or "(erased)", email=email or "", delivery=delivery))
    return result
