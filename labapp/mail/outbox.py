"""Writing emails into the outbox. Delivery lives in deliver.py and runs in the worker."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import current_app, render_template

from labapp.db import db, unit_of_work
from labapp.mail.calendar import uid_domain
from labapp.mail.compose import new_message_id
from labapp.mail.kinds import EmailKind
from labapp.mail.models import OutboxMessage, OutboxStatus


def queue_email(
    *,
    to_address: str,
    subject: str,
    text_body: str,
    html_body: str,
    kind: EmailKind,
    now: datetime,
    to_name: str = "",
    calendar_ics: str | None = None,
    reply_to: str | None = None,
    headers: dict[str, Any] | None = None,
    registration_id: int | None = None,
) -> OutboxMessage:
    """Add one email to the outbox in the caller's transaction (nothing is sent here)."""
    message = OutboxMessage(
        kind=kind,
        to_address=to_address,
        to_name=to_name,
        # Subjects are one line: a newline here could start a new header.
        subject=" ".join(subject.split()),
        text_body=text_body,
        html_body=html_body,
        calendar_ics=calendar_ics,
        reply_to=reply_to or current_app.config.get("MAIL_REPLY_TO"),
        headers=headers or {},
        registration_id=registration_id,
        status=OutboxStatus.PENDING,
        created_at=now,
        next_attempt_at=now,
        # Chosen now, not at sending: a retry (or a resend after a crash) keeps the same
        # Message-ID, so mail clients show one email even if a server got it twice.
        message_id=new_message_id(uid_domain(current_app.config["BASE_URL"])),
    )
    db.session.add(message)
    return message


def render_email(kind: EmailKind, **context: Any) -> tuple[str, str, str]:
    """Render the kind's templates/mail/<template>.{subject.txt,txt,html} into (subject, text, html)."""
    template = kind.template
    subject = render_template(f"mail/{template}.subject.txt", **context).strip()
    text_body = render_template(f"mail/{template}.txt", **context)
    html_body = render_template(f"mail/{template}.html", **context)
    return subject, text_body, html_body


def list_outbox(*, status: OutboxStatus | None, limit: int = 100, offset: int = 0) -> tuple[list[OutboxMessage], int]:
    """Outbox rows of one status (or all), newest first, with the total count (two queries)."""
    from sqlalchemy import func, select

    query = select(OutboxMessage)
    if status is not None:
        query = query.where(OutboxMessage.status == status)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = list(db.session.scalars(query.order_by(OutboxMessage.id.desc()).limit(limit).offset(offset)))
    return rows, total


def retry_message(*, message_id: int, now: datetime) -> OutboxMessage | None:
    """Put a failed (or waiting) email back in line to be sent on the worker's next pass."""
    with unit_of_work():
        message = db.session.get(OutboxMessage, message_id)
        if message is None or message.status == OutboxStatus.SENT:
            return None
        message.status = OutboxStatus.PENDING
        message.next_attempt_at = now
        message.failed_at = None
        message.claimed_until = None
        # Counting from now lets the retried email have a full day of retries again.
        message.created_at = now
    return message
