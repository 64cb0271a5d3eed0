"""Deliver outbox rows: claim a batch, send it over one SMTP connection, record the outcome."""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import format_datetime, make_msgid
from pathlib import Path
from urllib.parse import urlsplit

from flask import current_app
from flask_mail import Message
from sqlalchemy import or_, select, update

from labapp.db import db, is_postgres
from labapp.extensions import mail
from labapp.mail.models import OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)

BATCH_SIZE = 100
# A worker that dies mid-batch leaves its claim behind; after this long another worker may take the row.
CLAIM_TTL = timedelta(minutes=5)
FIRST_RETRY = timedelta(minutes=1)
MAX_RETRY_WAIT = timedelta(hours=1)
GIVE_UP_AFTER = timedelta(hours=24)


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0


class TemporaryFailure(Exception):
    """The server said try later (4xx), refused the connection or timed out."""


class PermanentFailure(Exception):
    """The server refused the message for good (5xx)."""


def retry_wait(attempts: int) -> timedelta:
    """1 min, 2, 4, ... capped at an hour: first retry within 2 minutes (contract)."""
    return min(FIRST_RETRY * (2 ** max(attempts - 1, 0)), MAX_RETRY_WAIT)


def claim_batch(*, now: datetime, limit: int = BATCH_SIZE) -> list[OutboxMessage]:
    """Claim due pending rows for this worker and commit the claim.

    SKIP LOCKED lets several workers drain the same outbox without taking the
    same row; the claim time makes a crashed worker's rows come back later.
    """
    query = (
        select(OutboxMessage)
        .where(
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.next_attempt_at <= now,
            or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
        )
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
    )
    if is_postgres():
        query = query.with_for_update(skip_locked=True)
    rows = list(db.session.scalars(query))
    ids = [row.id for row in rows]
    if ids:
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids))
            .values(claimed_until=now + CLAIM_TTL)
        )
    db.session.commit()
    if not ids:
        return []
    # One query to reload what the commit expired; otherwise each row reloads on first use,
    # and each reload autoflushes the previous row's UPDATE: two statements per email.
    return list(db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.id.in_(ids)).order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
    ))


def build_message(row: OutboxMessage, *, now: datetime) -> Message:
    """Turn an outbox row into a multipart/alternative email (plus invite when present)."""
    domain = urlsplit(current_app.config["BASE_URL"]).hostname or "localhost"
    message = Message(
        subject=row.subject,
        recipients=[(row.to_name, row.to_address) if row.to_name else row.to_address],
        body=row.text_body,
        html=row.html_body,
        sender=current_app.config["MAIL_DEFAULT_SENDER"],
        reply_to=row.reply_to,
        date=now.timestamp(),
        extra_headers={str(k): str(v) for k, v in (row.headers or {}).items()},
    )
    message.msgId = make_msgid(idstring=f"outbox{row.id}", domain=domain)
    if row.calendar_ics:
        method = "CANCEL" if "METHOD:CANCEL" in row.calendar_ics else "REQUEST"
        message.attach(
            "invite.ics",
            f"text/calendar; method={method}",
            row.calendar_ics.encode(),
            headers={"Content-Class": "urn:content-classes:calendarmessage"},
        )
    return message


def _write_eml(message: Message, row: OutboxMessage) -> None:
    folder = Path(current_app.config["MAIL_OUTBOX_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{row.id:08d}-{row.kind}.eml"
    path.write_bytes(message.as_bytes())
    log.info("email %s written to %s", row.id, path)


def _send(connection: object, message: Message) -> None:
    try:
        connection.send(message)  # type: ignore[attr-defined]
    except smtplib.SMTPResponseException as error:
        if 400 <= error.smtp_code < 500:
            raise TemporaryFailure(f"{error.smtp_code} {error.smtp_error!r}") from error
        raise PermanentFailure(f"{error.smtp_code} {error.smtp_error!r}") from error
    except smtplib.SMTPRecipientsRefused as error:
        codes = [code for code, _ in error.recipients.values()]
        if codes and all(400 <= code < 500 for code in codes):
            raise TemporaryFailure(str(error.recipients)) from error
        raise PermanentFailure(str(error.recipients)) from error
    except (TimeoutError, smtplib.SMTPException, OSError) as error:
        raise TemporaryFailure(f"{type(error).__name__}: {error}") from error


def _record(row: OutboxMessage, *, now: datetime, error: Exception | None, message_id: str | None) -> str:
    row.attempts += 1
    row.claimed_until = None
    if error is None:
        row.status, row.sent_at, row.message_id, row.last_error = OutboxStatus.SENT, now, message_id, None
        return "sent"
    row.last_error = str(error)[:2000]
    if isinstance(error, PermanentFailure) or now - row.created_at >= GIVE_UP_AFTER:
        row.status, row.failed_at = OutboxStatus.FAILED, now
        return "failed"
    row.next_attempt_at = now + retry_wait(row.attempts)
    return "retried"


def deliver_pending(*, now: datetime, max_batches: int | None = None) -> DeliveryReport:
    """Send every due outbox row, batch by batch; returns counts of what happened."""
    report = DeliveryReport()
    batches = 0
    while max_batches is None or batches < max_batches:
        rows = claim_batch(now=now)
        if not rows:
            break
        batches += 1
        _deliver_batch(rows, now=now, report=report)
        db.session.commit()
    return report


def _deliver_batch(rows: list[OutboxMessage], *, now: datetime, report: DeliveryReport) -> None:
    if not current_app.config.get("MAIL_SERVER"):
        for row in rows:
            message = build_message(row, now=now)
            _write_eml(message, row)
            _count(report, _record(row, now=now, error=None, message_id=message.msgId))
        return
    try:
        connection = mail.connect()
        connection.__enter__()
    except (smtplib.SMTPException, OSError) as error:
        failure = TemporaryFailure(f"cannot connect: {type(error).__name__}: {error}")
        for row in rows:
            _count(report, _record(row, now=now, error=failure, message_id=None))
        return
    try:
        for row in rows:
            message = build_message(row, now=now)
            try:
                _send(connection, message)
            except (TemporaryFailure, PermanentFailure) as error:
                log.warning("email %s to outbox row failed: %s", row.id, error)
                _count(report, _record(row, now=now, error=error, message_id=None))
                if isinstance(error, TemporaryFailure) and "cannot connect" in str(error):
                    break
                continue
            _count(report, _record(row, now=now, error=None, message_id=message.msgId))
    finally:
        try:
            connection.__exit__(None, None, None)
        except (smtplib.SMTPException, OSError):
            pass


def _count(report: DeliveryReport, outcome: str) -> None:
    setattr(report, outcome, getattr(report, outcome) + 1)


def sent_date_header(now: datetime) -> str:
    """RFC 5322 date for `now` (used by tests and .eml files)."""
    return format_datetime(now)
