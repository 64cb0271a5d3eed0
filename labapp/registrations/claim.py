"""The registration's write in one statement (PostgreSQL): lock the session, check, insert both rows.

Everyone registering for a popular session queues on that session's row lock, and the lock is held
until COMMIT: each round trip made while holding it adds to every queued person's wait. Here the
lock, the check that the forecast still holds, the registration's INSERT and its email's INSERT
(built by the outbox's owner, mail/chained.py) are one statement of data-modifying CTEs, so the lock
is held for one round trip and the COMMIT, and the unit of work has nothing to flush.

The rows are the objects `register` built, so every column and Python-side default the models have,
now or later, is written as the ORM would. The place in line is filled into the email by the
statement itself, from the count it read under the lock. When the forecast was wrong (the last seat
went, the session was edited, or a free seat is on offer to the waitlist) the statement inserts
nothing but keeps the lock, and `register` decides as before.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import Select, String, bindparam, cast, insert, select, true
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from labapp.db import db, new_row_values
from labapp.mail.chained import chained_email_params, insert_email_from
from labapp.mail.models import OutboxMessage
from labapp.registrations.models import Registration
from labapp.sessions.errors import SessionNotFound
from labapp.sessions.models import LabSession


@cache
def _statement(registration_columns: tuple[str, ...], email_columns: tuple[str, ...], marker: str) -> Select[Any]:
    """Built once per shape (which columns are set does not change between requests)."""
    labs = LabSession.__table__
    locked = (
        select(labs.c.id, labs.c.waitlisted_count, labs.c.confirmed_count, labs.c.capacity, labs.c.updated_at,
               labs.c.sequence, labs.c.status)
        .where(labs.c.id == bindparam("lab_session_id"))
        .with_for_update()
        .cte("locked")
    )
    forecast_holds = (
        select(locked.c.waitlisted_count)
        .where(
            locked.c.updated_at == bindparam("forecast_updated_at", type_=labs.c.updated_at.type),
            locked.c.sequence == bindparam("forecast_sequence"),
            locked.c.status == bindparam("forecast_status", type_=labs.c.status.type),
            (locked.c.confirmed_count < locked.c.capacity) == bindparam("has_seat"),
            # A free seat while people wait is on offer to them (seat_offers): register decides that case.
            ~((locked.c.waitlisted_count > 0) & (locked.c.confirmed_count < locked.c.capacity)),
        )
        .cte("forecast_holds")
    )
    registrations = Registration.__table__
    inserted = (
        insert(registrations)
        .from_select(
            list(registration_columns),
            select(*(bindparam(f"r_{name}", type_=registrations.c[name].type) for name in registration_columns))
            .select_from(forecast_holds),
            include_defaults=False,
        )
        .returning(registrations.c.id)
        .cte("inserted")
    )
    new_email = insert_email_from(
        email_columns, source=inserted.join(forecast_holds, true()), registration_id=inserted.c.id,
        marker=marker, fill=cast(forecast_holds.c.waitlisted_count + 1, String),
    ).cte("new_email")
    return (
        select(locked.c.waitlisted_count, select(inserted.c.id).scalar_subquery())
        .select_from(locked)
        .add_cte(new_email)
    )


def claim_seat(registration: Registration, email: OutboxMessage, *, lab: LabSession, has_seat: bool,
               marker: str) -> bool:
    """Lock `lab`; insert `registration` and `email` if the forecast still holds. The lock is held either way.

    `lab` is the session as read before the lock (the forecast) and `has_seat` what it promised. On
    success the registration gets its id, and each `marker` in the email the true place in line.
    """
    registration_row = new_row_values(registration)
    email_columns, email_params = chained_email_params(email)
    statement = _statement(tuple(registration_row), email_columns, marker)
    params: dict[str, Any] = {
        "lab_session_id": lab.id, "forecast_updated_at": lab.updated_at, "forecast_sequence": lab.sequence,
        "forecast_status": lab.status, "has_seat": has_seat,
        **{f"r_{name}": value for name, value in registration_row.items()}, **email_params,
    }
    row = db.session.execute(statement, params).one_or_none()
    if row is None:  # deleted since the forecast was read
        raise SessionNotFound(lab.id)
    registration_id = row[1]
    if registration_id is None:
        return False
    set_committed_value(registration, "id", registration_id)
    # Persistent from here on, as if loaded: callers may change and commit it (check-in, tests).
    make_transient_to_detached(registration)
    db.session.add(registration)
    return True
