"""Deliver outbox rows: claim a batch, send it over one SMTP connection, record every outcome.

Contract: a temporary failure (4xx, connection refused, timeout) is retried first within
2 minutes, then after doubling waits of at most an hour; an email is marked failed after 24 hours
or at once on a permanent 5xx. `now` (the worker's clock, or `--now`) governs retry waits and
claim expiry alike. Each batch costs a fixed number of SQL statements (one claim, one
executemany for the outcomes), whatever its size.
"""

from __future__ import annotations

import logging
import smtplib
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from flask import current_app
from flask_mail import Connection
from sqlalchemy import Row, bindparam, or_, select, update

from labapp.db import db, is_postgres, unit_of_work
from labapp.extensions import mail
from labapp.mail.calendar import uid_domain
from labapp.mail.compose import InvalidAddress, build_email, envelope_sender, new_message_id, plain_address
from labapp.mail.models import OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)

BATCH_SIZE = 100
# A worker that dies mid-batch leaves its claim behind; once `now` passes the claim, another
# worker takes the row. Five minutes is far longer than a batch takes on a healthy server...
CLAIM_TTL = timedelta(minutes=5)
# ...and a worker stops sending after half of it (slow server, timeouts) and hands the rest
# back, so a claim never expires under a worker that is still sending.
SEND_BUDGET_SECONDS = CLAIM_TTL.total_seconds() / 2
FIRST_RETRY = timedelta(minutes=1)
MAX_RETRY_WAIT = timedelta(hours=1)
GIVE_UP_AFTER = timedelta(hours=24)

OUTBOX = OutboxMessage.__table__


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    batches: int = 0


class TemporaryFailure(Exception):
    """The server said try later (4xx), refused the connection or timed out."""


class PermanentFailure(Exception):
    """The server refused the message for good (5xx), or the message cannot be sent at all."""


class ConnectionLost(TemporaryFailure):
    """The SMTP connection broke: the rest of the batch goes back to the queue untried."""


def retry_wait(attempts: int) -> timedelta:
    """Wait after the n-th failed attempt: 1 min, 2, 4, 8 ... capped at an hour."""
    factor: int = 2 ** min(max(attempts - 1, 0), 16)
    return min(FIRST_RETRY * factor, MAX_RETRY_WAIT)


@dataclass
class Batch:
    """Rows this worker claimed; `claimed_until` doubles as the claim's identity (see record)."""

    rows: Sequence[Row[Any]]
    claimed_until: datetime
    outcomes: list[dict[str, Any]] = field(default_factory=list)


def claim_batch(*, now: datetime, limit: int = BATCH_SIZE) -> Batch:
    """Claim up to `limit` due rows in one statement and commit, so other workers skip them.

    PostgreSQL: UPDATE ... WHERE id IN (SELECT ... FOR UPDATE SKIP LOCKED) RETURNING, so
    concurrent workers take disjoint rows without waiting on each other. SQLite: the UPDATE
    takes the database write lock, which serialises claims the same way.
    """
    due = (
        select(OUTBOX.c.id)
        .where(
            OUTBOX.c.status == OutboxStatus.PENDING,
            OUTBOX.c.next_attempt_at <= now,
            or_(OUTBOX.c.claimed_until.is_(None), OUTBOX.c.claimed_until < now),
        )
        .order_by(OUTBOX.c.next_attempt_at, OUTBOX.c.id)
        .limit(limit)
    )
    if is_postgres():
        due = due.with_for_update(skip_locked=True)
    claimed_until = now + CLAIM_TTL
    with unit_of_work():
        rows = db.session.execute(
            update(OUTBOX).where(OUTBOX.c.id.in_(due)).values(claimed_until=claimed_until).returning(*OUTBOX.c)
        ).all()
    return Batch(rows=sorted(rows, key=lambda row: (row.next_attempt_at, row.id)), claimed_until=claimed_until)


def deliver_pending(*, now: datetime, max_batches: int | None = None, batch_size: int = BATCH_SIZE) -> DeliveryReport:
    """Send every due outbox row as of `now`, batch by batch; returns counts of what happened."""
    report = DeliveryReport()
    while max_batches is None or report.batches < max_batches:
        batch = claim_batch(now=now, limit=batch_size)
        if not batch.rows:
            break
        report.batches += 1
        finished = _deliver_batch(batch, now=now)
        _record(batch, report)
        if not finished:
            break  # the server is unreachable or slow: leave the rest to the next pass
    return report


def _deliver_batch(batch: Batch, *, now: datetime) -> bool:
    """Try every row of the batch; False when the pass should stop (rows were handed back)."""
    config = current_app.config
    sender = config["MAIL_DEFAULT_SENDER"]
    domain = uid_domain(config["BASE_URL"])
    if not config.get("MAIL_SERVER"):
        for row in batch.rows:
            message_id = row.message_id or new_message_id(domain)
            try:
                _write_eml(row, build_email(row, sender=sender, now=now, message_id=message_id))
            except InvalidAddress as error:
                _outcome(batch, row, now=now, error=PermanentFailure(str(error)))
            except OSError as error:
                _outcome(batch, row, now=now, error=TemporaryFailure(f"cannot write .eml: {error}"))
            else:
                _outcome(batch, row, now=now, message_id=message_id)
        return True

    try:
        connection = _open_connection()
    except (smtplib.SMTPException, OSError) as error:
        failure = TemporaryFailure(f"cannot connect to {config['MAIL_SERVER']}:{config['MAIL_PORT']}: "
                                   f"{type(error).__name__}: {error}")
        log.warning("%s", failure)
        for row in batch.rows:
            _outcome(batch, row, now=now, error=failure)
        return False

    # Monotonic time only measures how long this batch has been sending; it never decides `now`.
    started = time.monotonic()
    finished = True
    try:
        for index, row in enumerate(batch.rows):
            if connection.host is None or connection.host.sock is None or (
                time.monotonic() - started > SEND_BUDGET_SECONDS
            ):
                finished = False
            if not finished:
                _hand_back(batch, batch.rows[index:])
                break
            message_id = row.message_id or new_message_id(domain)
            try:
                _send(connection, row, sender=sender, now=now, message_id=message_id)
            except (TemporaryFailure, PermanentFailure) as error:
                log.warning("email %s (%s) not delivered: %s", row.id, row.kind, error)
                _outcome(batch, row, now=now, error=error)
                if isinstance(error, ConnectionLost):
                    _hand_back(batch, batch.rows[index + 1:])
                    finished = False
                    break
            else:
                _outcome(batch, row, now=now, message_id=message_id)
    finally:
        try:
            connection.__exit__(None, None, None)  # type: ignore[arg-type]
        except (smtplib.SMTPException, OSError):
            pass
    return finished


class _TimedConnection(Connection):
    """Flask-Mail's connection, with a socket timeout so a silent server cannot hang the worker."""

    timeout: float = 10.0

    def configure_host(self) -> smtplib.SMTP | smtplib.SMTP_SSL:
        state = self.mail
        host: smtplib.SMTP | smtplib.SMTP_SSL
        if state.use_ssl:
            host = smtplib.SMTP_SSL(state.server, state.port, timeout=self.timeout)
        else:
            host = smtplib.SMTP(state.server, state.port, timeout=self.timeout)
        host.set_debuglevel(int(state.debug))
        if state.use_tls:
            host.starttls()
        if state.username and state.password:
            host.login(state.username, state.password)
        return host


def _open_connection() -> Connection:
    connection = _TimedConnection(mail.connect().mail)
    connection.timeout = float(current_app.config.get("MAIL_TIMEOUT_SECONDS") or 10)
    # Not __enter__(): Flask-Mail's MAIL_SUPPRESS_SEND (on by default under TESTING) would make it
    # drop every message while we mark it sent. Here the outbox decides; MAIL_SERVER unset means .eml files.
    connection.host = connection.configure_host()
    return connection


def _send(connection: Connection, row: Row[Any], *, sender: str, now: datetime, message_id: str) -> None:
    try:
        message = build_email(row, sender=sender, now=now, message_id=message_id)
    except InvalidAddress as error:
        raise PermanentFailure(str(error)) from error
    assert connection.host is not None
    try:
        connection.host.sendmail(envelope_sender(sender), [plain_address(row.to_address)], message)
    except smtplib.SMTPRecipientsRefused as error:
        codes = [code for code, _ in error.recipients.values()]
        if codes and all(400 <= code < 500 for code in codes):
            raise TemporaryFailure(_describe(error.recipients)) from error
        raise PermanentFailure(_describe(error.recipients)) from error
    except smtplib.SMTPResponseException as error:
        text = f"{error.smtp_code} {_text(error.smtp_error)}"
        if error.smtp_code == 421:
            raise ConnectionLost(text) from error
        if 400 <= error.smtp_code < 500:
            raise TemporaryFailure(text) from error
        raise PermanentFailure(text) from error
    except (smtplib.SMTPException, OSError) as error:  # disconnected, refused, timeout (OSError)
        raise ConnectionLost(f"{type(error).__name__}: {error}") from error


def _text(value: bytes | str) -> str:
    return value.decode(errors="replace") if isinstance(value, bytes) else str(value)


def _describe(recipients: dict[str, tuple[int, bytes]]) -> str:
    return "; ".join(f"{address}: {code} {_text(reply)}" for address, (code, reply) in recipients.items())


def _write_eml(row: Row[Any], message: bytes) -> None:
    folder = Path(current_app.config["MAIL_OUTBOX_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{row.id:08d}-{row.kind}.eml"
    path.write_bytes(message)
    log.info("email %s (%s) written to %s", row.id, row.kind, path)


def _outcome(
    batch: Batch, row: Row[Any], *, now: datetime, error: Exception | None = None, message_id: str | None = None
) -> None:
    """Decide what happens to a row after one attempt; written to the database by `_record`."""
    values: dict[str, Any] = {
        "b_id": row.id,
        "b_status": OutboxStatus.PENDING,
        "b_tried": 1,
        "b_next_attempt_at": row.next_attempt_at,
        "b_sent_at": None,
        "b_failed_at": None,
        "b_message_id": message_id or row.message_id,
        "b_last_error": None,
    }
    if error is None:
        values.update(b_status=OutboxStatus.SENT, b_sent_at=now)
    elif isinstance(error, PermanentFailure) or now - _retrying_since(row) >= GIVE_UP_AFTER:
        values.update(b_status=OutboxStatus.FAILED, b_failed_at=now, b_last_error=str(error)[:2000])
    else:
        # The last retry lands on the 24-hour mark itself, so a message is not given up early.
        next_attempt = min(now + retry_wait(row.attempts + 1), _retrying_since(row) + GIVE_UP_AFTER)
        values.update(b_next_attempt_at=next_attempt, b_last_error=str(error)[:2000])
    batch.outcomes.append(values)


def _retrying_since(row: Row[Any]) -> datetime:
    """Written, or put back in line by someone since: the day of retries counts from then."""
    since: datetime = row.requeued_at or row.created_at
    return since


def _hand_back(batch: Batch, rows: Sequence[Row[Any]]) -> None:
    """Release untried rows at once, without counting an attempt."""
    for row in rows:
        batch.outcomes.append({
            "b_id": row.id, "b_status": OutboxStatus.PENDING, "b_tried": 0,
            "b_next_attempt_at": row.next_attempt_at, "b_sent_at": None, "b_failed_at": None,
            "b_message_id": row.message_id, "b_last_error": row.last_error,
        })


_RECORD = (
    update(OUTBOX)
    # Only while our claim stands: if it expired and another worker took the row, its record wins.
    .where(OUTBOX.c.id == bindparam("b_id"), OUTBOX.c.claimed_until == bindparam("b_claim"),
           OUTBOX.c.status == OutboxStatus.PENDING)
    .values(
        status=bindparam("b_status"),
        attempts=OUTBOX.c.attempts + bindparam("b_tried"),
        claimed_until=None,
        next_attempt_at=bindparam("b_next_attempt_at"),
        sent_at=bindparam("b_sent_at"),
        failed_at=bindparam("b_failed_at"),
        message_id=bindparam("b_message_id"),
        last_error=bindparam("b_last_error"),
    )
)


def _record(batch: Batch, report: DeliveryReport) -> None:
    """Write the batch's outcomes in one executemany and commit."""
    if not batch.outcomes:
        return
    for values in batch.outcomes:
        values["b_claim"] = batch.claimed_until
        if values["b_tried"]:
            status = values["b_status"]
            if status == OutboxStatus.SENT:
                report.sent += 1
            elif status == OutboxStatus.FAILED:
                report.failed += 1
            else:
                report.retried += 1
    with unit_of_work():
        db.session.execute(_RECORD, batch.outcomes)
