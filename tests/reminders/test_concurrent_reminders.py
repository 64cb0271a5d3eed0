"""Several `reminders send` at once never send a reminder twice (real PostgreSQL connections)."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert, select, update

from labapp.db import db
from labapp.mail.models import OutboxMessage, OutboxStatus
from labapp.registrations.models import Registration
from labapp.reminders.services import queue_due_reminders
from labapp.worker import run_pass
from tests.factories import make_lab_session, make_registration

START = datetime(2026, 12, 8, 21, 0, tzinfo=UTC)
EARLY = START - timedelta(days=5)


def copy_registrations(lab_id: int, template: Registration, count: int) -> None:
    """Bulk-add confirmed registrations like `template` (500 real registrations would take minutes)."""
    columns = {c.key: getattr(template, c.key) for c in Registration.__table__.columns if c.key != "id"}
    rows = [{**columns, "lab_session_id": lab_id, "email": f"crowd{lab_id}-{n}@example.org",
             "email_key": f"crowd{lab_id}-{n}@example.org", "token_hash": f"{lab_id}-{n}"} for n in range(count)]
    db.session.execute(insert(Registration), rows)
    db.session.commit()


def test_four_concurrent_passes_over_500_due_reminders_deliver_exactly_500(app, backend, smtp):
    if backend != "postgresql":
        pytest.skip("SKIP LOCKED is a PostgreSQL property; SQLite serialises writers instead")
    for _ in range(5):
        lab = make_lab_session(now=EARLY, starts_at=START, capacity=200)
        copy_registrations(lab.id, make_registration(lab, now=EARLY), 99)
    db.session.execute(update(OutboxMessage).values(status=OutboxStatus.SENT))  # the confirmations
    db.session.commit()
    now = START - timedelta(hours=1)

    def one_pass(_):
        with app.app_context():
            try:
                # Small batches make the four passes interleave and fight over the same rows.
                return queue_due_reminders(now=now, batch_size=25)
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=4) as pool:
        queued = list(pool.map(one_pass, range(4)))
    run_pass(now=now)  # the next cron pass delivers what the four queued

    assert sum(queued) == 500
    rows = db.session.execute(select(OutboxMessage.registration_id).where(OutboxMessage.kind == "reminder")).all()
    assert len(rows) == 500 and len({r.registration_id for r in rows}) == 500
    received = Counter(str(m["To"]) for m in smtp.messages if str(m["Subject"]).startswith("Reminder:"))
    assert len(received) == 500 and set(received.values()) == {1}


def test_concurrent_passes_with_delivery_send_each_reminder_once(app, backend, smtp):
    if backend != "postgresql":
        pytest.skip("SKIP LOCKED is a PostgreSQL property")
    lab = make_lab_session(now=EARLY, starts_at=START, capacity=200)
    copy_registrations(lab.id, make_registration(lab, now=EARLY), 59)
    db.session.execute(update(OutboxMessage).values(status=OutboxStatus.SENT))
    db.session.commit()

    def one_pass(_):
        with app.app_context():
            return run_pass(now=START - timedelta(hours=1))

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(one_pass, range(4)))
    run_pass(now=START - timedelta(hours=1))

    received = Counter(str(m["To"]) for m in smtp.messages if str(m["Subject"]).startswith("Reminder:"))
    assert len(received) == 60 and set(received.values()) == {1}
