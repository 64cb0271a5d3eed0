"""The reach report over a school year: 50,000 registrations across 500 sessions, on PostgreSQL.

Target (issue 17): `/dashboard/reach` answers in under 1 s with a constant number of queries.
Baseline in the same run: a bare `SELECT COUNT(*)` over the same registrations. The database is
BENCH_REACH_DATABASE_URL (default: database `bench_reach` on 127.0.0.1, created if missing, emptied).
"""

from __future__ import annotations

import os
import statistics
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import create_engine, insert, select, text

SESSIONS = 500
PER_SESSION = 100
PEOPLE = 12_000  # so that many people come to several sessions, as in a real network
RUNS = 7
URL = os.environ.get("BENCH_REACH_DATABASE_URL",
                     "postgresql+psycopg://postgres:postgres@127.0.0.1:5432/bench_reach")
ROLES = ["teacher", "teacher", "teacher", "instructional_coach", "school_leader", "district_leader",
         "family_or_community", "other"]
FOCUS = ["english_learners", "students_with_disabilities", "poverty_or_homelessness", "students_of_color",
         "newcomers"]
FORMATS = ["online", "in_person", "hybrid"]


def _ensure_database() -> None:
    server, name = URL.rsplit("/", 1)
    engine = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        if not connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}):
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()


def _fill(now: datetime) -> None:
    from labapp.db import db
    from labapp.feedback.models import FeedbackResponse
    from labapp.registrations.models import Registration
    from labapp.sessions.models import LabSession

    first = datetime(now.year if now.month >= 8 else now.year - 1, 8, 3, 21, 0, tzinfo=UTC)
    span = (now - timedelta(days=2) - first) / SESSIONS
    sessions = [
        {"slug": f"reach-{n}", "title": f"Reach lab {n}", "starts_at": first + span * n, "duration_minutes": 90,
         "timezone": "America/New_York", "format": FORMATS[n % 3], "location": "Room 1", "capacity": 200,
         "status": "published", "created_at": first - timedelta(days=30), "updated_at": first - timedelta(days=30),
         "follow_up_after_hours": 1}
        for n in range(SESSIONS)
    ]
    db.session.execute(insert(LabSession), sessions)
    ids = list(db.session.scalars(select(LabSession.id).order_by(LabSession.id)))
    rows = []
    for n in range(SESSIONS * PER_SESSION):
        person = (n * 7919) % PEOPLE
        lab_id = ids[n // PER_SESSION]
        at = first + span * (n // PER_SESSION) - timedelta(days=3)
        rows.append({
            "lab_session_id": lab_id, "email": f"person{person}@school{person % 300}.example",
            "email_key": f"person{person}@school{person % 300}.example", "full_name": f"Person {person}",
            "role": ROLES[person % len(ROLES)], "organisation": f"School {person % 300}",
            "focus_populations": FOCUS[person % 5: person % 5 + 1 + person % 2], "accommodations": "",
            "hopes": "", "prework_answers": {}, "status": "cancelled" if n % 50 == 0 else "confirmed",
            "token_salt": f"s{n}", "token_hash": f"h{n}", "consented_at": at, "registered_at": at,
            "confirmed_at": at, "updated_at": at,
            "checked_in_at": at + timedelta(days=3) if n % 5 else None,
        })
    for start in range(0, len(rows), 5_000):
        db.session.execute(insert(Registration), rows[start:start + 5_000])
    attended = db.session.execute(
        select(Registration.id, Registration.lab_session_id).where(Registration.checked_in_at.is_not(None)))
    responses = [
        {"registration_id": rid, "lab_session_id": lid, "usefulness": 1 + rid % 5, "commitment": "Try it",
         "suggestion": "", "focus_populations": [], "submitted_at": now, "updated_at": now}
        for rid, lid in attended if rid % 3 == 0
    ]
    for start in range(0, len(responses), 5_000):
        db.session.execute(insert(FeedbackResponse), responses[start:start + 5_000])
    db.session.commit()
    db.session.execute(text("ANALYZE"))
    db.session.commit()


def _median_ms(action) -> float:
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def run() -> list[str]:
    from flask_migrate import upgrade

    from benchmarks.common import counted_queries
    from labapp import create_app
    from labapp.accounts.models import UserRole
    from labapp.accounts.services import create_user
    from labapp.db import db

    _ensure_database()
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=URL)
    lines: list[str] = []
    with app.app_context():
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade()
        now = datetime.now(UTC).replace(microsecond=0)
        started = time.perf_counter()
        _fill(now)
        lines.append(f"filled {SESSIONS} sessions, {SESSIONS * PER_SESSION:,} registrations of {PEOPLE:,} people "
                     f"in {time.perf_counter() - started:.1f} s")
        create_user(email="bench@example.org", name="Bench Admin", role=UserRole.ADMIN,
                    password="bench password 1", now=now)
        client = app.test_client()
        client.post("/account/login", data={"email": "bench@example.org", "password": "bench password 1"})

        def page() -> None:
            response = client.get("/dashboard/reach")
            assert response.status_code == 200 and b"Sessions held" in response.data, response.status_code

        def count_all() -> None:
            db.session.execute(text("SELECT COUNT(*) FROM registrations")).scalar()
            db.session.rollback()

        page()  # warm templates
        with counted_queries() as statements:
            page()
        page_ms = _median_ms(page)
        json_ms = _median_ms(lambda: client.get("/dashboard/reach.json"))
        count_ms = _median_ms(count_all)
        held = client.get("/dashboard/reach.json").get_json()
        lines.append(f"backend: {db.engine.dialect.name}; sessions held {held['sessions_held']}, "
                     f"people registered {held['people_registered']}, attended {held['people_attended']}")
        lines.append(f"/dashboard/reach: {page_ms:.0f} ms median of {RUNS}, {len(statements)} queries "
                     f"— target < 1000 ms")
        lines.append(f"/dashboard/reach.json: {json_ms:.0f} ms median of {RUNS}")
        lines.append(f"baseline SELECT COUNT(*) FROM registrations: {count_ms:.1f} ms median of {RUNS}")
        db.session.remove()
        db.engine.dispose()
    return lines
