"""Small test helpers: counting SQL queries, reading the outbox."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event, select

from labapp.db import db
from labapp.mail.models import OutboxMessage


class QueryCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)


@contextmanager
def count_queries() -> Iterator[QueryCounter]:
    """Count the SQL statements the engine runs inside the block."""
    counter = QueryCounter()

    def before(conn, cursor, statement, parameters, context, executemany) -> None:
        counter.statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", before)
    try:
        yield counter
    finally:
        event.remove(engine, "before_cursor_execute", before)


def outbox(kind: str | None = None) -> list[OutboxMessage]:
    """Outbox rows, oldest first, optionally of one kind."""
    db.session.expire_all()
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if kind:
        query = query.where(OutboxMessage.kind == kind)
    return list(db.session.scalars(query))


PASSWORD = "correct horse battery"  # the password tests.factories.make_user gives every user


def login(client, user, password: str = PASSWORD):
    """Sign a user in through the real login form; returns the response (a redirect when it worked)."""
    response = client.post("/account/login", data={"email": user.email, "password": password})
    assert response.status_code == 302, f"login failed for {user.email}: {response.status_code}"
    return response


def resolve_mail_requests(now=None) -> int:
    """What the worker's next pass does with "email me my link" requests: queue those emails (or drop them)."""
    from labapp.clock import utcnow
    from labapp.worker import resolve_requests

    return resolve_requests(now=now or utcnow())
