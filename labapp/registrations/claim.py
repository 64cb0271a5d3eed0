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

from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import Select, String, bindparam, cast, insert, select, true
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from labapp.db import db, new_row_values
from labapp.mail.chained import chained_email_params, insert_email_from
from labapp.mail.models import OutboxMessage
from labapp.registrations.models import Registration, RegistrationStatus
from labapp.sessions.errors import SessionNotFound
from labapp.sessions.models import LabSession


@cache
def _statement(registration_columns: tuple[str, ...], email_columns: tuple[str, ...], marker: str) -> Select[Any]:
    """Built once per shape (which columns are set does not change between requests)."""
    labs = LabSession.__table__
    registrations = Registration.__table__
    # The forecast may come from memory (forecast.py), so whether the person already holds a place is
    # checked here too; the partial unique index still has the last word on a double submit.
    already_registered = (
        select(registrations.c.id)
        .where(
            registrations.c.lab_session_id == bindparam("lab_session_id"),
            registrations.c.email_key == bindparam("email_key"),
            registrations.c.status != RegistrationStatus.CANCELLED,
        )
        .exists()
    )
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
            ~already_registered,
        )
        .cte("forecast_holds")
    )
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
        select(locked.c.confirmed_count, locked.c.waitlisted_count, select(inserted.c.id).scalar_subquery(),
               already_registered)
        .select_from(locked)
        .add_cte(new_email)
    )


@dataclass(frozen=True)
class Claim:
    """What the statement found under the lock, and whether it inserted."""

    claimed: bool
    confirmed_count: int  # the session's counts as locked, before this registration
    waitlisted_count: int
    already_registered: bool  # the person holds a seat or a waitlist place there already


def claim_seat(registration: Registration, email: OutboxMessage, *, lab: LabSession, has_seat: bool,
               marker: str) -> Claim:
    """Lock `lab`; insert `registration` and `email` if the forecast still holds. The lock is held either way.

    `lab` is the session as read before the lock (the forecast) and `has_seat` what it promised. On
    success the registration gets its id, and each `marker` in the email the true place in line.
    Nothing is inserted when the person already holds a place in the session.
    """
    registration_row = new_row_values(registration)
    email_columns, email_params = chained_email_params(email)
    statement = _statement(tuple(registration_row), email_columns, marker)
    params: dict[str, Any] = {
        "lab_session_id": lab.id, "forecast_updated_at": lab.updated_at, "forecast_sequence": lab.sequence,
        "forecast_status": lab.status, "has_seat": has_seat, "email_key": registration.email_key,
        **{f"r_{name}": value for name, value in registration_row.items()}, **email_params,
    }
    # Core all the way (no ORM entities in it): the connection skips the ORM execution layer.
    row = db.session.connection().execute(statement, params).one_or_none()
    if row is None:  # deleted since the forecast was read
        raise SessionNotFound(lab.id)
    confirmed_count, waitlisted_count, registration_id, already_registered = row
    if registration_id is not None:
        set_committed_value(registration, "id", registration_id)
        # Persistent from here on, as if loaded: callers may change and commit it (check-in, tests).
        make_transient_to_detached(registration)
        db.session.add(registration)
    return Claim(registration_id is not None, confirmed_count, waitlisted_count, bool(already_registered))
