"""Reminders: decide which are due, claim each exactly once, queue their emails; stop them; report them.

A reminder with offset `o` is due for a confirmed registration at `starts_at - o` (UTC instants,
so DST changes nothing) and until the start. Rules, in the order `queue_due_reminders` applies them:
- only published sessions that have not started; only confirmed registrations whose reminders
  are not stopped;
- a registration confirmed after a reminder's moment (registered late, or promoted from the
  waitlist late) never gets that reminder;
- when several reminders are due at once (the worker was down), only the smallest offset is
  sent and the others are recorded as superseded, so they are never sent later.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, delete, exists, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import lazyload

from labapp.db import db, is_postgres, unit_of_work
from labapp.mail.kinds import EmailKind
from labapp.mail.language import email_language
from labapp.mail.models import OutboxStatus
from labapp.mail.outbox import by_ids, reserve_ids, to_registrations, with_delivery, withdraw
from labapp.protocol.agendas import sessions_prompts
from labapp.registrations.models import Registration, RegistrationStatus
from labapp.reminders.emails import is_stop_token, queue_reminder_email
from labapp.reminders.errors import ReminderLinkInvalid
from labapp.reminders.models import ReminderDelivery, ReminderDeliveryStatus
from labapp.sessions.models import LabSession, SessionStatus
from labapp.sessions.reminder_offsets import describe_offset, session_offsets
from labapp.settings import settings

# Registrations claimed per transaction. Each batch costs a fixed handful of queries, so a pass
# over n due reminders runs about 6 * ceil(n / BATCH_SIZE) + 3 statements; a batch holds its row
# locks only while its emails are rendered (about a second for 1,000).
BATCH_SIZE = 1000
WITHDRAWN_ERROR = "Not sent: the session started or was cancelled, or the person cancelled or stopped reminders."


class ReminderState(StrEnum):
    SENT = "sent"
    PENDING = "pending"  # in the outbox, waiting for delivery or a retry
    FAILED = "failed"
    SKIPPED = "skipped"  # superseded by a later reminder that was due at the same time


@dataclass(frozen=True)
class ReminderStatus:
    """One reminder of one registration, as a facilitator sees it."""

    offset: timedelta
    due_at: datetime
    state: ReminderState
    decided_at: datetime
    sent_at: datetime | None
    error: str | None

    @property
    def label(self) -> str:
        return describe_offset(self.offset)


@dataclass(frozen=True)
class _DueSession:
    lab: LabSession
    due: list[timedelta]  # offsets whose moment has passed, smallest (latest moment) first

    @property
    def latest(self) -> timedelta:
        return self.due[0]


def queue_due_reminders(*, now: datetime, batch_size: int = BATCH_SIZE) -> int:
    """Queue every reminder due as of `now` into the outbox, each exactly once; returns how many.

    Safe to run in several processes at once: each batch claims its registrations with
    SELECT … FOR UPDATE SKIP LOCKED (PostgreSQL), and the unique (registration, offset)
    constraint turns a lost race into "nothing to do" instead of a second email.
    """
    queued = 0
    while True:
        with unit_of_work():
            # First statement is a write, so on SQLite the batch holds the write lock from the start.
            _withdraw_stale_reminders(now=now)
            due = _due_sessions(now=now)
            claimed = _claim(due, limit=batch_size) if due else []
            if claimed:
                queued += _decide_and_queue(claimed, due, now=now)
        if len(claimed) < batch_size:
            return queued


def _due_sessions(*, now: datetime) -> dict[int, _DueSession]:
    default = list(settings().reminder_offsets)
    horizon = max(default, default=timedelta(0))
    labs = db.session.scalars(
        select(LabSession)
        .options(lazyload(LabSession.facilitators))
        .where(
            LabSession.status == SessionStatus.PUBLISHED,
            LabSession.starts_at > now,
            or_(LabSession.reminder_offsets.is_not(None), LabSession.starts_at <= now + horizon),
        )
    )
    result = {}
    for lab in labs:
        due = sorted(offset for offset in session_offsets(lab, default) if lab.starts_at - offset <= now)
        if due:
            result[lab.id] = _DueSession(lab, due)
    return result


def _claim(due: dict[int, _DueSession], *, limit: int) -> list[Registration]:
    """Lock up to `limit` registrations that still need their session's latest due reminder.

    A registration needs it when it was confirmed by that reminder's moment and has no
    reminder decided yet at that offset or a smaller one. (If it was confirmed after the
    latest due moment, it was confirmed after every due moment, so nothing is due for it.)
    """
    latest_seconds = case(
        {lab_id: int(item.latest.total_seconds()) for lab_id, item in due.items()},
        value=Registration.lab_session_id,
    )
    already_decided = exists().where(
        ReminderDelivery.registration_id == Registration.id,
        ReminderDelivery.offset_seconds <= latest_seconds,
    )
    confirmed_in_time = or_(*(
        and_(Registration.lab_session_id == lab_id, Registration.confirmed_at <= item.lab.starts_at - item.latest)
        for lab_id, item in due.items()
    ))
    query = (
        select(Registration)
        .options(lazyload(Registration.lab_session))
        .where(
            Registration.status == RegistrationStatus.CONFIRMED,
            Registration.reminders_stopped_at.is_(None),
            Registration.anonymised_at.is_(None),
            confirmed_in_time,
            ~already_decided,
        )
        .order_by(Registration.id)
        .limit(limit)
    )
    if is_postgres():
        # OF registrations: never lock the session rows, or registering would wait on the pass.
        query = query.with_for_update(skip_locked=True, of=Registration)
    return list(db.session.scalars(query))


def _decide_and_queue(claimed: list[Registration], due: dict[int, _DueSession], *, now: datetime) -> int:
    rows = []
    for registration in claimed:
        item = due[registration.lab_session_id]
        for offset in item.due:
            moment = item.lab.starts_at - offset
            if registration.confirmed_at is None or registration.confirmed_at > moment:
                continue
            status = ReminderDeliveryStatus.QUEUED if offset == item.latest else ReminderDeliveryStatus.SUPERSEDED
            rows.append({
                "registration_id": registration.id,
                "offset_seconds": int(offset.total_seconds()),
                "status": status.value,
                "due_at": moment,
                "decided_at": now,
            })
    if not rows:
        return 0
    table = ReminderDelivery.__table__
    insert = pg_insert(table) if is_postgres() else sqlite_insert(table)
    inserted = db.session.execute(
        insert.values(rows)
        .on_conflict_do_nothing(index_elements=["registration_id", "offset_seconds"])
        .returning(table.c.id, table.c.registration_id, table.c.status)
    ).all()
    to_send = [(row.id, row.registration_id) for row in inserted if row.status == ReminderDeliveryStatus.QUEUED]
    if not to_send:
        return 0
    by_id = {registration.id: registration for registration in claimed}
    # The same prompts as the session's pre-work, in the person's language: looked up for every session
    # and language of the batch at once, before any email is queued.
    batch = [by_id[registration_id] for _, registration_id in to_send]
    prompts = sessions_prompts({r.lab_session_id for r in batch}, {email_language(r.language) for r in batch})
    messages = []
    # No autoflush while queueing: it would insert the emails one at a time, before reserve_ids numbers them.
    with db.session.no_autoflush:
        for (delivery_id, _), registration in zip(to_send, batch, strict=True):
            lab = due[registration.lab_session_id].lab
            lab_prompts = prompts[lab.id, email_language(registration.language)]
            messages.append((delivery_id, queue_reminder_email(registration, lab, now=now, prompts=lab_prompts)))
    if not is_postgres():
        reserve_ids([message for _, message in messages])
    db.session.flush()
    db.session.execute(
        update(ReminderDelivery),
        [{"id": delivery_id, "outbox_message_id": message.id} for delivery_id, message in messages],
    )
    return len(messages)


def _withdraw_stale_reminders(*, now: datetime, registration_id: int | None = None) -> None:
    """Fail reminder emails still waiting in the outbox that must no longer go out."""
    no_longer_wanted = select(Registration.id).join(LabSession, LabSession.id == Registration.lab_session_id).where(
        or_(
            LabSession.starts_at <= now,
            LabSession.status != SessionStatus.PUBLISHED,
            Registration.status != RegistrationStatus.CONFIRMED,
            Registration.reminders_stopped_at.is_not(None),
        ),
    )
    if registration_id is not None:
        no_longer_wanted = no_longer_wanted.where(Registration.id == registration_id)
    withdraw(to_registrations(no_longer_wanted, kinds=[EmailKind.REMINDER]), now=now, reason=WITHDRAWN_ERROR)


RESCHEDULED_ERROR = "Not sent: the session moved, and this reminder named the old time."


def reschedule_reminders(lab: LabSession, *, now: datetime) -> int:
    """The session has a new start: reminders sent for the old one are due again (caller's transaction).

    A delivery record is what stops a reminder from going twice, so for each reminder whose moment
    for the new time is still ahead, the record is dropped and the worker sends it at that moment.
    Reminders still waiting in the outbox name the old time: they are withdrawn, and their records
    dropped too, so the next pass sends one with the new time if it is due. A reminder whose new
    moment has passed and that went out already stays sent (the `Updated:` email gives the new
    time). Returns how many records were dropped.
    """
    in_session = select(Registration.id).where(Registration.lab_session_id == lab.id)
    deliveries = list(db.session.execute(with_delivery(
        select(ReminderDelivery.id, ReminderDelivery.offset_seconds, ReminderDelivery.outbox_message_id)
        .where(ReminderDelivery.registration_id.in_(in_session)),
        ReminderDelivery.outbox_message_id,
    )))
    waiting = [row.outbox_message_id for row in deliveries if row.status == OutboxStatus.PENDING]
    forget = [row.id for row in deliveries
              if row.status == OutboxStatus.PENDING or lab.starts_at - timedelta(seconds=row.offset_seconds) > now]
    if waiting:
        withdraw(by_ids(waiting), now=now, reason=RESCHEDULED_ERROR)
    if forget:
        db.session.execute(delete(ReminderDelivery).where(ReminderDelivery.id.in_(forget)))
    return len(forget)


def find_by_stop_token(*, registration_id: int, token: str) -> Registration:
    """The registration behind a stop-reminders link, or ReminderLinkInvalid."""
    # Ids beyond a 32-bit integer would make PostgreSQL raise instead of finding nothing.
    plausible = 0 < registration_id < 2**31 and 0 < len(token) <= 100
    registration = db.session.get(Registration, registration_id) if plausible else None
    if registration is None or registration.anonymised_at is not None or not is_stop_token(registration, token):
        raise ReminderLinkInvalid(_l("That link is not valid."))
    return registration


def stop_reminders(*, registration_id: int, token: str, now: datetime) -> Registration:
    """Stop reminders for this one registration (the seat stays); safe to repeat."""
    with unit_of_work():
        registration = find_by_stop_token(registration_id=registration_id, token=token)
        _stop(registration, now=now)
    return registration


def set_reminders(*, registration_id: int, on: bool, now: datetime) -> Registration:
    """Turn one registration's reminders off, or back on, from its manage page; safe to repeat.

    Back on, the next pass sends the reminder that is due by then, if any (only the latest one,
    as after a worker outage): someone who turns them on again 20 hours before gets the
    "starts tomorrow" reminder at once rather than nothing until the last hour.
    """
    with unit_of_work():
        registration = db.session.get(Registration, registration_id)
        if registration is None:
            raise ReminderLinkInvalid(registration_id)
        if not on:
            _stop(registration, now=now)
        elif registration.reminders_stopped_at is not None:
            registration.reminders_stopped_at = None
            registration.updated_at = now
    return registration


def _stop(registration: Registration, *, now: datetime) -> None:
    if registration.reminders_stopped_at is None:
        registration.reminders_stopped_at = now
        registration.updated_at = now
        db.session.flush()
        _withdraw_stale_reminders(now=now, registration_id=registration.id)


def reminder_statuses(registration_ids: list[int]) -> dict[int, list[ReminderStatus]]:
    """Per registration, each reminder decided so far (largest offset first): sent when, pending, failed why, skipped.

    One query, for any number of registrations; registrations with none map to [].
    """
    result: dict[int, list[ReminderStatus]] = defaultdict(list)
    for registration_id in registration_ids:
        result[registration_id] = []
    if not registration_ids:
        return dict(result)
    rows = db.session.execute(with_delivery(
        select(ReminderDelivery)
        .where(ReminderDelivery.registration_id.in_(registration_ids))
        .order_by(ReminderDelivery.registration_id, ReminderDelivery.offset_seconds.desc()),
        ReminderDelivery.outbox_message_id,
    )).all()
    for delivery, outbox_status, sent_at, last_error in rows:
        result[delivery.registration_id].append(ReminderStatus(
            offset=delivery.offset,
            due_at=delivery.due_at,
            state=_state(delivery.status, outbox_status),
            decided_at=delivery.decided_at,
            sent_at=sent_at,
            error=last_error if outbox_status == OutboxStatus.FAILED else None,
        ))
    return dict(result)


def _state(status: str, outbox_status: str | None) -> ReminderState:
    if status == ReminderDeliveryStatus.SUPERSEDED:
        return ReminderState.SKIPPED
    if outbox_status == OutboxStatus.SENT:
        return ReminderState.SENT
    if outbox_status == OutboxStatus.FAILED:
        return ReminderState.FAILED
    # Pending, or queued and its outbox copy since erased by retention: it was handed over.
    return ReminderState.PENDING if outbox_status == OutboxStatus.PENDING else ReminderState.SENT
