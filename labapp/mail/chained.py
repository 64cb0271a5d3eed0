"""An email queued by the same statement that writes the row it is about.

Registering (registrations/claim.py) locks a session and inserts the registration and its email in
one statement, so the session's row lock is held for one round trip. The outbox's owner builds the
email's part of that statement here; no other package writes outbox SQL (tests/mail/test_outbox_owner.py).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, FromClause, Insert, bindparam, func, insert, select

from labapp.db import new_row_values
from labapp.mail.models import OutboxMessage

# The parts of an email that may carry a value only the statement knows (the place in line).
_FILLED = ("subject", "text_body", "html_body")


def chained_email_params(message: OutboxMessage) -> tuple[tuple[str, ...], dict[str, Any]]:
    """The columns a new email (built, never added to the session) writes, and their values as `e_<column>`."""
    values = new_row_values(message)
    values.pop("registration_id", None)
    values.pop("id", None)
    return tuple(values), {f"e_{name}": value for name, value in values.items()}


def insert_email_from(columns: tuple[str, ...], *, source: FromClause, registration_id: ColumnElement[Any],
                      marker: str, fill: ColumnElement[str]) -> Insert:
    """INSERT the email (bound by chained_email_params) once per row of `source`, about `registration_id`.

    Every `marker` in its subject and bodies becomes `fill`, a value of the statement (digits only:
    the HTML body needs no escaping for it).
    """
    outbox = OutboxMessage.__table__

    def value(name: str) -> ColumnElement[Any]:
        bound = bindparam(f"e_{name}", type_=outbox.c[name].type)
        return func.replace(bound, bindparam("e_marker", marker), fill) if name in _FILLED else bound

    return insert(outbox).from_select(
        [*columns, "registration_id"],
        select(*(value(name) for name in columns), registration_id).select_from(source),
        include_defaults=False,
    )
