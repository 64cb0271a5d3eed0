"""Dashboard speed: a roster page of a 5,000-person session, and a 20,000-row CSV export.

Targets (issue 6): the roster page renders in under 150 ms in-process with a constant number of
queries per page; exporting 20,000 registrations streams in under 2 s. Baselines in the same run:
the same roster page for a 50-person session, and reading the 20,000 rows without writing CSV.
Set BENCH_DATABASE_URL to measure on PostgreSQL (default: a temporary SQLite file).
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import event, insert, text

ROSTER_SIZE = 5_000
EXPORT_SIZE = 20_000
RUNS = 15


def _build_app():
    from flask_migrate import upgrade

    from labapp import create_app
    from labapp.db import db

    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.sqlite3'}"
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url, MAIL_OUTBOX_DIR=tempfile.mkdtemp())
    with app.app_context():
        if url.startswith("postgresql"):
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade()
    return app


def _fill(lab_id: int, count: int, now: datetime, offset: int) -> None:
    from labapp.db import db
    from labapp.registrations.models import Registration

    roles = ["teacher", "instructional_coach", "school_leader", "district_leader", "family_or_community"]
    rows = [
        {
            "lab_session_id": lab_id, "email": f"person{offset + n}@example.edu",
            "email_key": f"person{offset + n}@example.edu", "full_name": f"Person {offset + n:06d}",
            "role": roles[n % len(roles)], "organisation": f"School {n % 97}",
            "focus_populations": ["english_learners", "newcomers"][: n % 3], "accommodations": "",
            "hopes": "=cmd|' /C calc'!A0" if n % 500 == 0 else f"Listening better, idea {n}",
            "prework_answers": {}, "status": "confirmed", "token_salt": f"salt{offset + n}",
            "token_hash": f"hash{offset + n:058d}", "consented_at": now, "registered_at": now,
            "confirmed_at": now, "updated_at": now,
        }
        for n in range(count)
    ]
    for start in range(0, len(rows), 2_000):
        db.session.execute(insert(Registration), rows[start:start + 2_000])
    db.session.commit()


def _timed_get(client, url: str, engine) -> tuple[float, int, int]:
    """Median milliseconds over RUNS, queries of one request, response size."""
    statements: list[str] = []

    def count(*args) -> None:
        statements.append(args[2])

    client.get(url)  # warm templates and caches
    times = []
    for _ in range(RUNS):
        statements.clear()
        event.listen(engine, "before_cursor_execute", count)
        started = time.perf_counter()
        response = client.get(url)
        body = response.get_data()
        times.append((time.perf_counter() - started) * 1000)
        event.remove(engine, "before_cursor_execute", count)
        assert response.status_code == 200, response.status_code
    return statistics.median(times), len(statements), len(body)


def run() -> list[str]:
    from labapp.accounts.models import UserRole
    from labapp.accounts.services import create_user
    from labapp.db import db
    from labapp.registrations.roster import export_rows
    from labapp.sessions.services import SessionFields, create_session

    app = _build_app()
    lines: list[str] = []
    with app.app_context():
        now = datetime.now(UTC).replace(microsecond=0)
        admin = create_user(email="bench@example.org", name="Bench Admin", role=UserRole.ADMIN,
                            password="bench password 1", now=now)

        def lab(title: str, capacity: int) -> int:
            return create_session(
                fields=SessionFields(
                    title=title,
                    starts_at=now + timedelta(days=7),
                    timezone="America/New_York",
                    duration_minutes=90,
                    capacity=capacity,
                ),
                facilitators=[admin],
                publish=True,
                now=now,
            ).id

        small, big = lab("Small lab", 100), lab("Big lab", 10_000)
        _fill(small, 50, now, 0)
        _fill(big, ROSTER_SIZE, now, 1_000)
        others = [lab(f"Export lab {n}", 10_000) for n in range(3)]
        remaining = EXPORT_SIZE - ROSTER_SIZE - 50
        for n, lab_id in enumerate(others):
            _fill(lab_id, remaining // 3 + (remaining % 3 if n == 0 else 0), now, 100_000 * (n + 1))
        client = app.test_client()
        client.post("/account/login", data={"email": "bench@example.org", "password": "bench password 1"})
        engine = db.engine

        base_ms, base_q, _ = _timed_get(client, f"/dashboard/sessions/{small}/roster", engine)
        big_ms, big_q, _ = _timed_get(client, f"/dashboard/sessions/{big}/roster", engine)
        last_ms, last_q, _ = _timed_get(client, f"/dashboard/sessions/{big}/roster?page=100&sort=name", engine)
        search_ms, search_q, _ = _timed_get(client, f"/dashboard/sessions/{big}/roster?q=school+4&sort=organisation",
                                            engine)
        lines.append(f"backend: {engine.dialect.name}")
        lines.append(f"roster page 1, {ROSTER_SIZE} people: {big_ms:.1f} ms median of {RUNS}, {big_q} queries "
                     f"(baseline 50 people: {base_ms:.1f} ms, {base_q} queries) — target < 150 ms")
        lines.append(f"roster last page sorted by name: {last_ms:.1f} ms, {last_q} queries")
        lines.append(f"roster search + sort: {search_ms:.1f} ms, {search_q} queries")

        started = time.perf_counter()
        rows = sum(1 for _ in export_rows(None))
        read_s = time.perf_counter() - started
        started = time.perf_counter()
        response = client.get("/dashboard/export.csv")
        size = sum(len(chunk) for chunk in response.response)
        export_s = time.perf_counter() - started
        lines.append(f"CSV export of {rows} registrations: {export_s:.2f} s streamed, {size / 1e6:.1f} MB "
                     f"(baseline reading the rows without CSV: {read_s:.2f} s) — target < 2 s")
        db.session.remove()
        db.engine.dispose()
    return lines
