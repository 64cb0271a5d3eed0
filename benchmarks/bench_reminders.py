"""A reminder pass over 5,000 due reminders across 50 sessions, delivered to a local aiosmtpd.

Baseline in the same run: the same pass over 500 reminders across 5 sessions. Queries are
counted per pass; they must not grow with the number of registrations (only per batch of
`BATCH_SIZE`). Set BENCH_DATABASE_URL=postgresql://… to measure on PostgreSQL (its schema is
dropped and rebuilt); the default is a throwaway SQLite file.
"""

from __future__ import annotations

import multiprocessing
import os
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import event, insert, text

from labapp import create_app
from labapp.db import db
from labapp.mail.deliver import deliver_pending
from labapp.registrations.models import EducatorRole, Registration, RegistrationStatus
from labapp.reminders.services import BATCH_SIZE, queue_due_reminders
from labapp.sessions.services import SessionFields, create_session
from labapp.tokens import new_salt

START = datetime(2026, 12, 8, 21, 0, tzinfo=UTC)
EARLY = START - timedelta(days=5)
NOW = START - timedelta(hours=1)
PER_SESSION = 100


def _database_url() -> str:
    url = os.environ.get("BENCH_DATABASE_URL", "")
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url[len("postgresql://"):]
    return url or f"sqlite:///{Path(tempfile.mkdtemp(prefix='labapp-bench-')) / 'bench.sqlite3'}"


def _fresh_schema() -> None:
    from flask_migrate import downgrade, upgrade

    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    else:
        upgrade()
        downgrade(revision="base")
    upgrade()


def _seed(sessions: int) -> None:
    """`sessions` published sessions with PER_SESSION confirmed registrations each (bulk insert)."""
    for number in range(sessions):
        lab = create_session(
            fields=SessionFields(
                title=f"Bench Lab {number}",
                starts_at=START,
                timezone="America/New_York",
                duration_minutes=90,
                capacity=PER_SESSION,
                join_url="https://meet.example.org/bench",
            ),
            now=EARLY,
            publish=True,
        )
        rows = [{
            "lab_session_id": lab.id, "email": f"p{number}-{n}@example.org", "email_key": f"p{number}-{n}@example.org",
            "full_name": f"Person {number}-{n}", "role": EducatorRole.TEACHER, "organisation": "Bench School",
            "focus_populations": [], "accommodations": "", "hopes": "", "prework_answers": {},
            "status": RegistrationStatus.CONFIRMED, "token_salt": new_salt(), "token_hash": f"{number}-{n}",
            "consented_at": EARLY, "registered_at": EARLY, "confirmed_at": EARLY, "updated_at": EARLY,
        } for n in range(PER_SESSION)]
        db.session.execute(insert(Registration), rows)
    db.session.commit()


class _Counting:
    def __init__(self, received) -> None:
        self.received = received

    async def handle_DATA(self, server, session, envelope) -> str:
        with self.received.get_lock():
            self.received.value += 1
        return "250 Message accepted"


def _serve_smtp(port: int, received, stop) -> None:
    """A local aiosmtpd in its own process: in-process, the GIL would make every SMTP round trip wait."""
    from aiosmtpd.controller import Controller

    controller = Controller(_Counting(received), hostname="127.0.0.1", port=port)
    controller.start()
    stop.wait()
    controller.stop()


class _SmtpProcess:
    def __init__(self) -> None:
        from tests.smtp import free_port

        self.port = free_port()
        self.received = multiprocessing.Value("i", 0)
        self.stop_event = multiprocessing.Event()
        self.process = multiprocessing.Process(target=_serve_smtp, args=(self.port, self.received, self.stop_event))

    @property
    def count(self) -> int:
        return self.received.value

    def start(self) -> None:
        import socket

        self.process.start()
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("the benchmark SMTP server did not start")

    def stop(self) -> None:
        self.stop_event.set()
        self.process.join(10)


def _measure(sessions: int, sink: _SmtpProcess) -> dict[str, float]:
    _fresh_schema()
    _seed(sessions)
    db.session.remove()
    statements: list[str] = []

    def count(*args) -> None:
        statements.append(args[2])

    event.listen(db.engine, "before_cursor_execute", count)
    received_before = sink.count
    try:
        started = time.perf_counter()
        queued = queue_due_reminders(now=NOW)  # what `reminders send` / run_pass does first …
        queue_seconds = time.perf_counter() - started
        queue_queries = len(statements)
        report = deliver_pending(now=NOW)  # … and then
        total_seconds = time.perf_counter() - started
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
        db.session.remove()
    return {
        "queued": queued, "sent": report.sent, "received": sink.count - received_before,
        "queue_s": queue_seconds, "total_s": total_seconds,
        "queue_queries": queue_queries, "deliver_queries": len(statements) - queue_queries,
    }


def run() -> list[str]:
    sink = _SmtpProcess()
    sink.start()
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=_database_url(), RATELIMIT_ENABLED=False,
                     MAIL_SERVER="127.0.0.1", MAIL_PORT=sink.port, MAIL_SUPPRESS_SEND=False,
                     MAIL_OUTBOX_DIR=tempfile.mkdtemp(prefix="labapp-bench-mail-"))
    from labapp.extensions import mail

    mail.init_app(app)
    lines = []
    try:
        with app.app_context():
            load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
            lines.append(f"database: {db.engine.dialect.name}; batch size {BATCH_SIZE}; "
                         f"machine load average {load} on {os.cpu_count()} CPUs")
            results = {}
            for sessions in (5, 50):
                r = results[sessions] = _measure(sessions, sink)
                lines.append(
                    f"{sessions * PER_SESSION:>5} due reminders / {sessions} sessions: queued {r['queued']}, "
                    f"delivered {r['received']} in {r['total_s']:.1f} s (queueing {r['queue_s']:.1f} s, "
                    f"{r['queue_queries']} queries; delivery {r['deliver_queries']} queries)"
                )
            small, big = results[5], results[50]
            ok = big["received"] == 5000 and big["total_s"] < 60
            lines.append(
                f"10x the reminders: {big['total_s'] / small['total_s']:.1f}x the time, queueing queries "
                f"{small['queue_queries']} -> {big['queue_queries']}; target < 60 s: {'met' if ok else 'MISSED'}"
            )
            db.engine.dispose()
    finally:
        sink.stop()
    return lines
