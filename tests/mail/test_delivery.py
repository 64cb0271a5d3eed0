"""Delivery from the outbox to a real SMTP server: arrives once, retries what it can, gives up on what it cannot."""

from __future__ import annotations

import email
import email.policy
import threading
from datetime import timedelta
from pathlib import Path

import pytest

from labapp.db import db
from labapp.mail.deliver import (
    CLAIM_TTL,
    DeliveryReport,
    TemporaryFailure,
    _outcome,
    _record,
    claim_batch,
    deliver_pending,
    retry_wait,
)
from labapp.mail.models import OutboxStatus
from tests.factories import make_lab_session, now_utc, registration_form
from tests.helpers import count_queries, outbox
from tests.mail.support import point_mail_at, queue_plain
from tests.smtp import free_port


def test_a_queued_email_arrives_once_and_is_marked_sent(app, smtp):
    now = now_utc()
    [row] = queue_plain(1, now=now)
    report = deliver_pending(now=now)
    assert (report.sent, report.retried, report.failed) == (1, 0, 0)
    assert smtp.subjects() == ["Message 0"]
    [stored] = outbox()
    assert stored.status == OutboxStatus.SENT and stored.sent_at == now
    assert stored.message_id == smtp.messages[0]["Message-ID"]
    assert deliver_pending(now=now + timedelta(hours=1)).sent == 0
    assert len(smtp.messages) == 1


def test_registering_while_the_mail_server_is_down_still_works_and_the_confirmation_arrives_once(app, client, smtp):
    now = now_utc()
    app.config["CLOCK"] = lambda: now
    lab = make_lab_session(now=now)
    point_mail_at(app, free_port())  # nothing listens there: connection refused
    response = client.post(f"/sessions/{lab.slug}/register", data=registration_form(email="down@example.edu"))
    assert response.status_code == 302
    report = deliver_pending(now=now)
    assert (report.sent, report.retried) == (0, 1)
    [row] = outbox()
    assert row.status == OutboxStatus.PENDING and "refused" in row.last_error.lower()

    point_mail_at(app, smtp.port)  # the server is back
    for minutes in (1, 2, 5, 30):
        deliver_pending(now=now + timedelta(minutes=minutes))
    confirmations = smtp.to("down@example.edu")
    assert [str(m["Subject"]).split(":")[0] for m in confirmations] == ["Confirmed"]


def test_a_temporary_451_is_retried_within_two_minutes_and_then_delivered(app, smtp):
    now = now_utc()
    queue_plain(1, now=now)
    smtp.reply_with("451 4.3.0 Please try again later")
    assert deliver_pending(now=now).retried == 1
    [row] = outbox()
    assert "451" in row.last_error and row.attempts == 1
    assert now < row.next_attempt_at <= now + timedelta(minutes=2)
    assert deliver_pending(now=now + timedelta(seconds=30)).sent == 0  # too early
    assert deliver_pending(now=row.next_attempt_at).sent == 1
    assert smtp.subjects() == ["Message 0"]
    assert outbox()[0].status == OutboxStatus.SENT


def test_a_permanent_550_is_marked_failed_at_once_and_never_retried(app, smtp):
    now = now_utc()
    queue_plain(1, now=now)
    smtp.reply_with("550 5.1.1 No such user here")
    assert deliver_pending(now=now).failed == 1
    [row] = outbox()
    assert row.status == OutboxStatus.FAILED and row.failed_at == now and "550" in row.last_error
    for hours in (1, 5, 30):
        assert deliver_pending(now=now + timedelta(hours=hours)).sent == 0
    assert smtp.messages == []


def test_retry_waits_start_within_two_minutes_and_double_up_to_an_hour():
    waits = [retry_wait(n) for n in range(1, 10)]
    assert waits[0] <= timedelta(minutes=2)
    assert all(later == min(2 * earlier, timedelta(hours=1)) for earlier, later in zip(waits, waits[1:], strict=False))
    assert waits[-1] == timedelta(hours=1)


def test_an_email_that_cannot_be_delivered_for_24_hours_is_marked_failed(app):
    now = now_utc()
    point_mail_at(app, free_port())
    queue_plain(1, now=now)
    moment, attempts = now, 0
    while outbox()[0].status == OutboxStatus.PENDING:
        moment = outbox()[0].next_attempt_at
        deliver_pending(now=moment)
        attempts += 1
        assert attempts < 60
    row = outbox()[0]
    assert row.status == OutboxStatus.FAILED
    assert row.failed_at == now + timedelta(hours=24)  # the last try lands on the 24-hour mark
    assert row.attempts == attempts


def test_two_workers_draining_200_messages_deliver_each_exactly_once(app, smtp):
    now = now_utc()
    queue_plain(200, now=now)
    db.session.remove()
    reports, errors = [], []

    def worker() -> None:
        try:
            with app.app_context():
                reports.append(deliver_pending(now=now, batch_size=10))
                db.session.remove()
        except Exception as error:  # noqa: BLE001 - surfaced by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert sorted(smtp.subjects()) == sorted(f"Message {n}" for n in range(200))
    assert sum(r.sent for r in reports) == 200
    assert {row.status for row in outbox()} == {OutboxStatus.SENT}


def test_a_crashed_workers_claim_expires_and_the_email_is_then_sent_once(app, smtp):
    now = now_utc()
    queue_plain(1, now=now)
    assert len(claim_batch(now=now).rows) == 1  # a worker claims the row and dies before sending
    assert deliver_pending(now=now + timedelta(minutes=1)).sent == 0  # the claim still stands
    assert deliver_pending(now=now + CLAIM_TTL + timedelta(seconds=1)).sent == 1
    assert deliver_pending(now=now + CLAIM_TTL + timedelta(hours=1)).sent == 0
    assert smtp.subjects() == ["Message 0"]


def test_a_late_worker_whose_claim_expired_cannot_undo_the_delivery(app, smtp):
    now = now_utc()
    queue_plain(1, now=now)
    stale = claim_batch(now=now)
    assert deliver_pending(now=now + CLAIM_TTL + timedelta(seconds=1)).sent == 1
    # The stale worker wakes up, fails, and tries to record a retry: its claim is gone, so nothing changes.
    _outcome(stale, stale.rows[0], now=now, error=TemporaryFailure("451 late"))
    _record(stale, DeliveryReport())
    assert outbox()[0].status == OutboxStatus.SENT
    assert deliver_pending(now=now + timedelta(days=1)).sent == 0


def test_reminders_send_now_respects_retry_waits(app, runner, smtp):
    now = now_utc()
    queue_plain(1, now=now)
    smtp.reply_with("451 4.7.1 Greylisted, come back soon")
    assert "retried=1" in runner.invoke(args=["reminders", "send", "--now", now.isoformat()]).output
    early = runner.invoke(args=["reminders", "send", "--now", (now + timedelta(seconds=20)).isoformat()])
    assert "sent=0" in early.output and smtp.messages == []
    later = runner.invoke(args=["reminders", "send", "--now", (now + timedelta(minutes=2)).isoformat()])
    assert "sent=1" in later.output
    assert smtp.subjects() == ["Message 0"]


def test_without_mail_server_emails_are_written_as_eml_files(app, caplog):
    assert not app.config.get("MAIL_SERVER")
    now = now_utc()
    [row] = queue_plain(1, now=now)
    with caplog.at_level("INFO", logger="labapp.mail.deliver"):
        assert deliver_pending(now=now).sent == 1
    files = sorted(Path(app.config["MAIL_OUTBOX_DIR"]).glob("*.eml"))
    assert len(files) == 1 and str(files[0]) in caplog.text
    message = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
    assert str(message["Subject"]) == "Message 0" and message["To"].addresses[0].addr_spec == "person0@example.edu"
    assert outbox()[0].status == OutboxStatus.SENT


@pytest.mark.parametrize("pending", [10, 100])
def test_each_batch_costs_a_fixed_number_of_sql_statements(app, smtp, pending):
    now = now_utc()
    queue_plain(pending, now=now)
    with count_queries() as queries:
        deliver_pending(now=now)
    # One claim and one executemany of outcomes per batch of 100, plus the empty claim that ends the pass.
    assert queries.count <= 2 * (-(-pending // 100)) + 1
    assert len(smtp.messages) == pending
