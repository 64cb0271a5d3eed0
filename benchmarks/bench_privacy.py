"""Issue 8: a retention pass over 50,000 registrations in under 30 s, queries not growing per row."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from sqlalchemy import text, update

from benchmarks.common import bulk_registrations, counted_queries, days, fresh_app
from labapp.db import db
from labapp.privacy.services import purge_expired
from labapp.registrations.models import Registration
from labapp.sessions.models import SessionFormat
from labapp.sessions.services import SessionFields, create_session

TOTAL = 50_000
SESSIONS = 50


def run() -> list[str]:
    app = fresh_app()
    lines: list[str] = []
    with app.app_context():
        long_ago = datetime(2024, 1, 10, 17, 0, tzinfo=UTC)
        for n in range(SESSIONS):
            lab = create_session(
                fields=SessionFields(
                    title=f"Old lab {n}",
                    starts_at=long_ago + days(n),
                    timezone="America/New_York",
                    duration_minutes=90,
                    capacity=5000,
                    format=SessionFormat.ONLINE,
                ),
                publish=True,
                now=long_ago - days(30),
            )
            bulk_registrations(lab.id, TOTAL // SESSIONS, registered_at=long_ago - days(10), start=n * TOTAL)
        db.session.execute(text("ANALYZE"))
        db.session.commit()

        started = time.perf_counter()
        db.session.execute(update(Registration).values(updated_at=Registration.updated_at))
        db.session.commit()
        baseline = time.perf_counter() - started

        now = long_ago + days(SESSIONS + 30)
        with counted_queries() as sensitive_queries:
            started = time.perf_counter()
            report = purge_expired(now=now)
            sensitive_seconds = time.perf_counter() - started
        assert report.sensitive_total == TOTAL, report.sensitive_total

        with counted_queries() as anonymise_queries:
            started = time.perf_counter()
            report = purge_expired(now=long_ago + days(SESSIONS + 731))
            anonymise_seconds = time.perf_counter() - started
        assert report.anonymised_total == TOTAL, report.anonymised_total

        lines.append(f"baseline: one bare UPDATE of all {TOTAL:,} rows: {baseline:.2f} s")
        lines.append(f"erase sensitive answers of {TOTAL:,} registrations in {SESSIONS} sessions: "
                     f"{sensitive_seconds:.2f} s, {len(sensitive_queries)} SQL statements (target < 30 s)")
        lines.append(f"anonymise {TOTAL:,} registrations: {anonymise_seconds:.2f} s, "
                     f"{len(anonymise_queries)} SQL statements")
        db.engine.dispose()
    return lines
