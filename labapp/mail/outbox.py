"""The outbox's one owner: every write to `outbox_messages` outside delivery (deliver.py) is here.

Other packages queue emails, say which emails they mean with the selectors below (`to_registrations`,
`to_addresses`, `by_ids`) and hand them to `withdraw`, `erase`, `erase_bodies` or `delete_delivered`;
they never build outbox SQL themselves. Every function runs in the caller's transaction except
`requeue`, which is a whole use case of its own.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any, TypeAlias, cast

from flask import current_app, render_template
from sqlalchemy import ColumnElement, ColumnExpressionArgument, CursorResult, Select, delete, func, or_, select, update

from labapp.db import db, unit_of_work
from labapp.mail.calendar import uid_domain
from labapp.mail.compose import new_message_id
from labapp.mail.kinds import EmailKind
from labapp.mail.language import email_language, in_language
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
    language: str = "en",
) -> OutboxMessage:
    """Add one email to the outbox in the caller's transaction (nothing is sent here).

    `language` is the one the email was rendered in (see `render_email`): it goes out as Content-Language.
    """
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
        headers={"Content-Language": email_language(language), **(headers or {})},
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


def render_email(kind: EmailKind, *, language: str, **context: Any) -> tuple[str, str, str]:
    """Render the kind's templates/mail/<template>.{subject.txt,txt,html} into (subject, text, html), in `language`.

    Whatever else the email shows in words (dates, reminder prompts, an invite) must be computed inside
    `in_language(language)` too; the HTML part's <html lang> says the language.
    """
    template = kind.template
    with in_language(language):
        subject = render_template(f"mail/{template}.subject.txt", **context).strip()
        text_body = render_template(f"mail/{template}.txt", **context)
        html_body = render_template(f"mail/{template}.html", **context)
    return subject, text_body, html_body


def reserve_ids(messages: Sequence[OutboxMessage]) -> None:
    """Give new outbox rows their ids up front (SQLite only), so the flush is one executemany.

    SQLAlchemy batches INSERT … RETURNING on SQLite only with a sentinel column, so without this
    it would insert one row per statement. Call it inside a transaction whose first statement was a
    write: SQLite's write lock then keeps every other writer from taking these ids in the meantime.
    """
    with db.session.no_autoflush:
        first = (db.session.scalar(select(func.max(OutboxMessage.id))) or 0) + 1
    for number, message in enumerate(messages):
        message.id = first + number


# Which emails an operation means: built only by the selectors below, opaque to callers.
Emails: TypeAlias = ColumnElement[bool]
# Ids or email keys as a list, or as a SELECT of one column (a subquery on the caller's own tables).
AnySelect: TypeAlias = "Select[*tuple[Any, ...]]"
Ids: TypeAlias = "Collection[int] | AnySelect"
Keys: TypeAlias = "Collection[str] | AnySelect"

ERASED_BODY = "[erased under the retention policy]"


def by_ids(message_ids: Ids) -> Emails:
    """These outbox rows."""
    return OutboxMessage.id.in_(message_ids)


def to_registrations(registration_ids: Ids, *, kinds: Collection[EmailKind] | None = None) -> Emails:
    """Emails about these registrations (of these kinds only, when given)."""
    condition: Emails = OutboxMessage.registration_id.in_(registration_ids)
    return condition & OutboxMessage.kind.in_(kinds) if kinds is not None else condition


def to_addresses(email_keys: Keys, *, excluding: Keys | None = None,
                 kinds: Collection[EmailKind] | None = None) -> Emails:
    """Emails to these email keys (lower-cased addresses), not to those `excluding`, of these kinds.

    Addresses are stored as typed with the domain lower-cased, so lower() finds every spelling. SQLite's
    lower() folds ASCII letters only; PostgreSQL's folds all.
    """
    condition: Emails = func.lower(OutboxMessage.to_address).in_(email_keys)
    if excluding is not None:
        condition = condition & ~func.lower(OutboxMessage.to_address).in_(excluding)
    return condition & OutboxMessage.kind.in_(kinds) if kinds is not None else condition


def withdraw(which: Emails, *, now: datetime, reason: str) -> int:
    """Stop emails still waiting to go out: they become failed, with the reason shown to facilitators."""
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.PENDING, which)
        .values(status=OutboxStatus.FAILED, failed_at=now, claimed_until=None, last_error=reason)
        .execution_options(synchronize_session=False)
    )
    return cast(CursorResult[Any], result).rowcount or 0


def erase(*which: Emails) -> int:
    """Erase every email matching any selection: delete it now if it went out (or failed), else mark it
    to be deleted once delivered, so a last `Cancelled:` email still reaches the person. Returns rows deleted."""
    if not which:
        return 0
    matching = or_(*which)
    db.session.execute(
        update(OutboxMessage)
        .where(matching, OutboxMessage.status == OutboxStatus.PENDING)
        .values(is_erased_after_delivery=True)
        .execution_options(synchronize_session=False)
    )
    return _delete_delivered(matching)


def delete_delivered(*which: Emails) -> int:
    """Delete delivered (or failed) emails marked for erasure, or matching any selection (the worker's tidy-up)."""
    return _delete_delivered(or_(OutboxMessage.is_erased_after_delivery.is_(True), *which))


def erase_bodies(which: Emails) -> None:
    """Blank the text, HTML and invite of delivered emails in the selection (retention of answers)."""
    db.session.execute(
        update(OutboxMessage)
        .where(which, OutboxMessage.status != OutboxStatus.PENDING)
        .values(text_body=ERASED_BODY, html_body=ERASED_BODY, calendar_ics=None)
        .execution_options(synchronize_session=False)
    )


def _delete_delivered(condition: ColumnElement[bool]) -> int:
    result = db.session.execute(
        delete(OutboxMessage)
        .where(condition, OutboxMessage.status != OutboxStatus.PENDING)
        .execution_options(synchronize_session=False)
    )
    return cast(CursorResult[Any], result).rowcount or 0


def find(*which: Emails) -> list[OutboxMessage]:
    """The emails matching any selection, oldest first."""
    if not which:
        return []
    return list(db.session.scalars(select(OutboxMessage).where(or_(*which)).order_by(OutboxMessage.id)))


def with_delivery(query: AnySelect, message_id: ColumnExpressionArgument[int | None]) -> AnySelect:
    """`query` plus the status, sent_at and last_error of the email whose id is in `message_id`
    (outer join: None for each when there is no email, or its copy was erased)."""
    return query.add_columns(OutboxMessage.status, OutboxMessage.sent_at, OutboxMessage.last_error).outerjoin(
        OutboxMessage, OutboxMessage.id == message_id
    )


def list_outbox(*, status: OutboxStatus | None, limit: int = 100, offset: int = 0) -> tuple[list[OutboxMessage], int]:
    """Outbox rows of one status (or all), newest first, with the total count (two queries)."""
    query = select(OutboxMessage)
    if status is not None:
        query = query.where(OutboxMessage.status == status)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = list(db.session.scalars(query.order_by(OutboxMessage.id.desc()).limit(limit).offset(offset)))
    return rows, total


def requeue(*, message_id: int, now: datetime) -> OutboxMessage | None:
    """Put a failed (or waiting) email back in line to be sent on the worker's next pass; None if sent or gone."""
    with unit_of_work():
        message = db.session.get(OutboxMessage, message_id)
        if message is None or message.status == OutboxStatus.SENT:
            return None
        message.status = OutboxStatus.PENDING
        message.next_attempt_at = now
        message.failed_at = None
        message.claimed_until = None
        # The day of retries counts from here; created_at keeps saying when the email was written.
        message.requeued_at = now
    return message
