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

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import and_, case, delete, exists, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import lazyload

from config import parse_offsets
from labapp.db import db, is_postgres, unit_of_work
from labapp.mail.models import OutboxMessage, OutboxStatus
from labapp.protocol.services import reminder_prompts
from labapp.registrations.models import Registration, RegistrationStatus
from labapp.reminders.emails import REMINDER_KIND, is_stop_token, queue_reminder_email
from labapp.reminders.models import ReminderDelivery, ReminderDeliveryStatus
from labapp.sessions.models import LabSession, SessionStatus
from labapp.settings import settings

log = logging.getLogger(__name__)

# Registrations claimed per transaction. Each batch costs a fixed handful of queries, so a pass
# over n due reminders runs about 6 * ceil(n / BATCH_SIZE) + 3 statements; a batch holds its row
# locks only while its emails are rendered (about a second for 1,000).
BATCH_SIZE = 1000
WITHDRAWN_ERROR = "Not sent: the session started or was cancelled, or the person cancelled or stopped reminders."


class ReminderLinkInvalid(LookupError):
    """The stop-reminders link does not match any registration."""


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


def describe_offset(offset: timedelta) -> str:
    """'24 hours before', '1 hour before', '90 minutes before', '2 days before'."""
    seconds = int(offset.total_seconds())
    for size, unit in ((86400, "day"), (3600, "hour"), (60, "minute"), (1, "second")):
        # Days only from two on: people say "24 hours before", not "1 day before".
        if seconds % size == 0 and (unit != "day" or seconds >= 2 * size):
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''} before"
    return f"{seconds} seconds before"


def session_offsets(lab: LabSession, default: list[timedelta]) -> list[timedelta]:
    """The session's own REMINDER_OFFSETS-style override when it is valid, else `default`; largest first.

    An empty override means "no reminders for this session"; an unreadable one falls back to the default.
    """
    if lab.reminder_offsets is None:
        offsets = default
    else:
        try:
            offsets = parse_offsets(lab.reminder_offsets)
        except ValueError:
            log.warning("session %s has unreadable reminder_offsets %r; using the default", lab.id,
                        lab.reminder_offsets)
            offsets = default
    return [offset for offset in offsets if offset > timedelta(0)]


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
    # The same prompts as the session's pre-work: one lookup per session in the batch, not per person.
    prompts_by_session: dict[int, list[str]] = {}
    messages = []
    for delivery_id, registration_id in to_send:
        registration = by_id[registration_id]
        lab = due[registration.lab_session_id].lab
        if lab.id not in prompts_by_session:
            prompts_by_session[lab.id] = reminder_prompts(lab_session_id=lab.id)
        prompts = prompts_by_session[lab.id]
        messages.append((delivery_id, queue_reminder_email(registration, lab, now=now, prompts=prompts)))
    if not is_postgres():
        _number_outbox_rows([message for _, message in messages])
    db.session.flush()
    db.session.execute(
        update(ReminderDelivery),
        [{"id": delivery_id, "outbox_message_id": message.id} for delivery_id, message in messages],
    )
    return len(messages)


def _number_outbox_rows(messages: list[OutboxMessage]) -> None:
    """Give new outbox rows their ids up front (SQLite only), so the flush is one executemany.

    SQLAlchemy batches INSERT … RETURNING on SQLite only with a sentinel column, so without this
    it would insert one row per statement. The batch holds SQLite's write lock (its first statement
    was a write), so no other writer can take these ids in the meantime.
    """
    with db.session.no_autoflush:
        first = (db.session.scalar(select(func.max(OutboxMessage.id))) or 0) + 1
    for number, message in enumerate(messages):
        message.id = first + number


def _withdraw_stale_reminders(*, now: datetime, registration_id: int | None = None) -> None:
    """Fail reminder emails still waiting in the outbox that must no longer go out."""
    no_longer_wanted = exists().where(
        Registration.id == OutboxMessage.registration_id,
        LabSession.id == Registration.lab_session_id,
        or_(
            LabSession.starts_at <= now,
            LabSession.status != SessionStatus.PUBLISHED,
            Registration.status != RegistrationStatus.CONFIRMED,
            Registration.reminders_stopped_at.is_not(None),
        ),
    )
    conditions = [OutboxMessage.kind == REMINDER_KIND, no_longer_wanted]
    if registration_id is not None:
        conditions.append(OutboxMessage.registration_id == registration_id)
    _withdraw(*conditions, now=now, reason=WITHDRAWN_ERROR)


def _withdraw(*conditions: Any, now: datetime, reason: str) -> None:
    """Mark the outbox emails matching `conditions` that are still waiting as failed, with the reason."""
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.PENDING, *conditions)
        .values(status=OutboxStatus.FAILED, failed_at=now, claimed_until=None, last_error=reason)
        .execution_options(synchronize_session=False)
    )


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
    deliveries = list(db.session.execute(
        select(ReminderDelivery.id, ReminderDelivery.offset_seconds, OutboxMessage.id, OutboxMessage.status)
        .outerjoin(OutboxMessage, OutboxMessage.id == ReminderDelivery.outbox_message_id)
        .where(ReminderDelivery.registration_id.in_(in_session))
    ))
    waiting = [message_id for _, _, message_id, status in deliveries if status == OutboxStatus.PENDING]
    forget = [delivery_id for delivery_id, offset_seconds, _, status in deliveries
              if status == OutboxStatus.PENDING or lab.starts_at - timedelta(seconds=offset_seconds) > now]
    if waiting:
        _withdraw(OutboxMessage.id.in_(waiting), now=now, reason=RESCHEDULED_ERROR)
    if forget:
        db.session.execute(delete(ReminderDelivery).where(ReminderDelivery.id.in_(forget)))
    return len(forget)


def find_by_stop_token(*, registration_id: int, token: str) -> Registration:
    """The registration behind a stop-reminders link, or ReminderLinkInvalid."""
    # Ids beyond a 32-bit integer would make PostgreSQL raise instead of finding nothing.
    plausible = 0 < registration_id < 2**31 and 0 < len(token) <= 100
    registration = db.session.get(Registration, registration_id) if plausible else None
    if registration is None or registration.anonymised_at is not None or not is_stop_token(registration, token):
        raise ReminderLinkInvalid("That link is not valid.")
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


def reminder_offsets_for(lab: LabSession) -> list[timedelta]:
    """The reminders this session sends, largest first (the session's own, or REMINDER_OFFSETS)."""
    return session_offsets(lab, list(settings().reminder_offsets))


def reminder_statuses(registration_ids: list[int]) -> dict[int, list[ReminderStatus]]:
    """Per registration, each reminder decided so far (largest offset first): sent when, pending, failed why, skipped.

    One query, for any number of registrations; registrations with none map to [].
    """
    result: dict[int, list[ReminderStatus]] = defaultdict(list)
    for registration_id in registration_ids:
        result[registration_id] = []
    if not registration_ids:
        return dict(result)
    rows = db.session.execute(
        select(ReminderDelivery, OutboxMessage.status, OutboxMessage.sent_at, OutboxMessage.last_error)
        .outerjoin(OutboxMessage, OutboxMessage.id == ReminderDelivery.outbox_message_id)
        .where(ReminderDelivery.registration_id.in_(registration_ids))
        .order_by(ReminderDelivery.registration_id, ReminderDelivery.offset_seconds.desc())
    ).all()
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
