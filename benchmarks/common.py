"""Shared helpers for benchmarks: a fresh database at head, bulk data, query counting."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import event, insert, text

from labapp import create_app
from labapp.db import db
from labapp.registrations.models import Registration

BENCH_DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgresql+psycopg://postgres:postgres@127.0.0.1:5432/bench_main"
)


def fresh_app(**overrides: object) -> Flask:
    """An app on an emptied benchmark database at the current schema."""
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=BENCH_DATABASE_URL, **overrides)
    with app.app_context():
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade()
    return app


def bulk_registrations(lab_session_id: int, count: int, *, registered_at: datetime, start: int = 0) -> None:
    """Insert `count` confirmed registrations in one executemany (fast, bypasses the services on purpose)."""
    rows = [
        {
            "lab_session_id": lab_session_id, "email": f"bulk{i}@example.org", "email_key": f"bulk{i}@example.org",
            "full_name": f"Bulk Person {i}", "role": "teacher", "organisation": "Bench School",
            "focus_populations": ["english_learners"], "accommodations": "Captions", "hopes": "Listening well",
            "prework_answers": {"q1": "An answer"}, "status": "confirmed", "token_salt": f"s{i}",
            "token_hash": f"h{lab_session_id}-{i}", "consented_at": registered_at, "registered_at": registered_at,
            "confirmed_at": registered_at, "updated_at": registered_at,
        }
        for i in range(start, start + count)
    ]
    db.session.execute(insert(Registration), rows)
    db.session.commit()


@contextmanager
def counted_queries() -> Iterator[list[str]]:
    statements: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", before)


def days(n: int) -> timedelta:
    return timedelta(days=n)
