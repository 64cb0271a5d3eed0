"""Mail delivery: 2,000 pending confirmations (text + HTML + calendar invite) to a local aiosmtpd.

Target (issue 4): under 20 s on the 2-core machine (>= 100 messages/s) over reused connections,
with a bounded number of SQL statements per batch. Baseline, same run: raw smtplib pushing the
same number of pre-built messages over one connection to the same server (the SMTP floor).

SQLite by default; set BENCH_DATABASE_URL=postgresql://... to measure on PostgreSQL (its
outbox table is emptied afterwards; use a throwaway database, the run adds a session and a person).
"""

from __future__ import annotations

import os
import smtplib
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from aiosmtpd.controller import Controller
from sqlalchemy import delete, event

COUNT = 2000


class _CountingHandler:
    def __init__(self) -> None:
        self.received = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope) -> str:
        with self.lock:
            self.received += 1
        return "250 OK"


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run() -> list[str]:
    from labapp import create_app
    from labapp.db import db, unit_of_work
    from labapp.mail.compose import build_email
    from labapp.mail.deliver import BATCH_SIZE, deliver_pending
    from labapp.mail.kinds import EmailKind
    from labapp.mail.models import OutboxMessage
    from labapp.mail.outbox import queue_email
    from tests.factories import make_lab_session, make_registration

    url = os.environ.get("BENCH_DATABASE_URL", "")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    folder = Path(tempfile.mkdtemp(prefix="labapp-bench-mail-"))
    url = url or f"sqlite:///{folder / 'bench.sqlite3'}"

    handler = _CountingHandler()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url, MAIL_SERVER="127.0.0.1", MAIL_PORT=port,
                     MAIL_OUTBOX_DIR=str(folder / "mail"))
    lines: list[str] = []
    try:
        with app.app_context():
            db.create_all()
            now = datetime.now(UTC).replace(microsecond=0)
            lab = make_lab_session(now=now, title="Benchmark Lab — Listening to Families")
            registration = make_registration(lab, now=now)
            [confirmation] = db.session.query(OutboxMessage).all()
            with unit_of_work():
                db.session.execute(delete(OutboxMessage))
                for n in range(COUNT):
                    queue_email(
                        to_address=f"educator{n}@example.edu", to_name=f"Educator {n}",
                        subject=confirmation.subject, text_body=confirmation.text_body,
                        html_body=confirmation.html_body, calendar_ics=confirmation.calendar_ics,
                        kind=EmailKind.CONFIRMED, now=now, registration_id=registration.id,
                    )
            size = len(build_email(confirmation, sender=app.config["MAIL_DEFAULT_SENDER"], now=now,
                                   message_id="<bench@labapp.test>"))
            db.session.remove()

            statements = []
            listener = lambda *args: statements.append(1)  # noqa: E731
            event.listen(db.engine, "before_cursor_execute", listener)
            started = time.perf_counter()
            report = deliver_pending(now=now + timedelta(seconds=1))
            elapsed = time.perf_counter() - started
            event.remove(db.engine, "before_cursor_execute", listener)
            assert handler.received == COUNT == report.sent, (handler.received, report)

            # Baseline: the same number of pre-built messages over one raw smtplib connection.
            raw = build_email(confirmation, sender=app.config["MAIL_DEFAULT_SENDER"], now=now,
                              message_id="<bench@labapp.test>")
            started = time.perf_counter()
            with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
                for n in range(COUNT):
                    smtp.sendmail("labs@labapp.test", [f"educator{n}@example.edu"], raw)
            baseline = time.perf_counter() - started

            per_batch = len(statements) / max(report.batches, 1)
            lines += [
                f"database: {db.engine.dialect.name}; message size {size / 1024:.1f} KiB (text + HTML + invite)",
                f"delivered {report.sent} in {elapsed:.2f} s = {report.sent / elapsed:.0f} msg/s "
                f"(target: < 20 s, >= 100 msg/s)",
                f"baseline raw smtplib, pre-built message, one connection: {COUNT} in {baseline:.2f} s = "
                f"{COUNT / baseline:.0f} msg/s; delivery costs {elapsed / baseline:.1f}x the SMTP floor",
                f"SQL statements: {len(statements)} for {report.batches} batches of {BATCH_SIZE} "
                f"= {per_batch:.2f} per batch (claim + record; +1 empty claim ends the pass)",
            ]
            if db.engine.dialect.name == "postgresql":
                with unit_of_work():
                    db.session.execute(delete(OutboxMessage))
            db.session.remove()
            db.engine.dispose()
    finally:
        controller.stop()
    return lines
