"""The optional thank-you after a session, to the people who were there."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update

from labapp.db import db, is_postgres, unit_of_work
from labapp.feedback.links import feedback_url
from labapp.mail.kinds import EmailKind
from labapp.mail.language import in_language
from labapp.protocol.languages import ComponentText
from labapp.protocol.services import commitments_component
from labapp.registrations.models import Registration, RegistrationStatus
from labapp.registrations.notifications import queue_registration_email
from labapp.sessions.models import LabSession, SessionStatus

BATCH_SIZE = 500


def send_due_follow_ups(*, now: datetime) -> int:
    """Queue the follow-up for checked-in attendees of sessions that ended long enough ago.

    Sessions opt in with `follow_up_after_hours`; each attendee gets it once
    (`follow_up_sent_at`), and absent or cancelled people never get it.
    """
    with unit_of_work():  # a short read transaction, ended before the batch below takes its locks
        sessions = list(
            db.session.scalars(
                select(LabSession).where(
                    LabSession.follow_up_after_hours.is_not(None),
                    LabSession.status == SessionStatus.PUBLISHED,
                    LabSession.starts_at <= now,
                )
            )
        )
        due_ids = [
            lab.id for lab in sessions
            if lab.ends_at + timedelta(hours=lab.follow_up_after_hours or 0) <= now
            # Past a month the thank-you would be odd; don't surprise people after a late switch-on.
            and now - lab.ends_at <= timedelta(days=30)
        ]
    if not due_ids:
        return 0
    queued = 0
    with unit_of_work():
        query = (
            select(Registration)
            .where(
                Registration.lab_session_id.in_(due_ids),
                Registration.status == RegistrationStatus.CONFIRMED,
                Registration.checked_in_at.is_not(None),
                Registration.follow_up_sent_at.is_(None),
                Registration.anonymised_at.is_(None),
            )
            .order_by(Registration.id)
            .limit(BATCH_SIZE)
        )
        if is_postgres():
            query = query.with_for_update(skip_locked=True, of=Registration)
        registrations = list(db.session.scalars(query))
        if registrations:
            db.session.execute(
                update(Registration)
                .where(Registration.id.in_([r.id for r in registrations]))
                .values(follow_up_sent_at=now)
                .execution_options(synchronize_session=False)
            )
        # The protocol's next steps in each person's language: read once per language, rendered inside it.
        commitments: dict[str, ComponentText | None] = {}
        for registration in registrations:
            # The one ask for feedback: checked-in people only, once, with their private link.
            link = feedback_url(registration_id=registration.id, token_salt=registration.token_salt)
            with in_language(registration.language) as language:
                if language not in commitments:
                    commitments[language] = commitments_component()
                queue_registration_email(registration, kind=EmailKind.FOLLOW_UP, now=now,
                                         commitments=commitments[language], feedback_url=link)
            queued += 1
    return queued
