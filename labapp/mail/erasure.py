"""Erasing copies of emails: the outbox's side of erasure and retention (callers own the transaction)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, cast

from sqlalchemy import ColumnElement, CursorResult, delete, func, or_, update

from labapp.db import db
from labapp.mail.models import OutboxMessage, OutboxStatus

ERASED_BODY = "[erased under the retention policy]"


def addressed_to(email_keys: Collection[str] | Any) -> ColumnElement[bool]:
    """Rows whose recipient is one of these email keys (lower-cased addresses), or a subquery of them.

    Addresses are stored as typed with the domain lower-cased, so lower() finds every spelling. SQLite's
    lower() folds ASCII letters only; PostgreSQL's folds all.
    """
    return func.lower(OutboxMessage.to_address).in_(email_keys)


def erase_copies(*conditions: ColumnElement[bool]) -> int:
    """Erase every email matching any condition: delete it now if it went out (or failed), else mark it
    to be deleted once delivered, so a last `Cancelled:` email still reaches the person. Returns rows deleted."""
    if not conditions:
        return 0
    matching = or_(*conditions)
    db.session.execute(
        update(OutboxMessage)
        .where(matching, OutboxMessage.status == OutboxStatus.PENDING)
        .values(is_erased_after_delivery=True)
        .execution_options(synchronize_session=False)
    )
    return _delete_delivered(matching)


def remove_erased_copies(*conditions: ColumnElement[bool]) -> int:
    """Delete delivered (or failed) emails marked for erasure, or matching any condition (the worker's tidy-up)."""
    return _delete_delivered(or_(OutboxMessage.is_erased_after_delivery.is_(True), *conditions))


def erase_bodies(condition: ColumnElement[bool]) -> None:
    """Blank the text, HTML and invite of delivered emails matching the condition (retention of answers)."""
    db.session.execute(
        update(OutboxMessage)
        .where(condition, OutboxMessage.status != OutboxStatus.PENDING)
        .values(text_body=ERASED_BODY, html_body=ERASED_BODY, calendar_ics=None)
        .execution_options(synchronize_session=False)
    )


def _delete_delivered(condition: ColumnElement[bool]) -> int:
    # A DELETE yields a CursorResult; scoped_session.execute() is only annotated as returning a Result.
    result = cast(CursorResult[Any], db.session.execute(
        delete(OutboxMessage)
        .where(condition, OutboxMessage.status != OutboxStatus.PENDING)
        .execution_options(synchronize_session=False)
    ))
    return result.rowcount or 0
