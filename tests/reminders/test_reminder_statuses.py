"""Facilitators can see, per registration, which reminders went out and when, or why one failed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from labapp.mail.deliver import deliver_pending
from labapp.reminders.services import ReminderState, queue_due_reminders, reminder_statuses
from labapp.worker import run_pass
from tests.factories import make_lab_session, make_registration
from tests.helpers import count_queries

START = datetime(2026, 12, 8, 21, 0, tzinfo=UTC)
EARLY = START - timedelta(days=5)
HOUR = timedelta(hours=1)


def test_statuses_show_sent_times_skipped_reminders_and_failures_in_one_query(app, smtp):
    lab = make_lab_session(now=EARLY, starts_at=START)
    bounced = make_registration(lab, now=EARLY).id
    on_time = make_registration(lab, now=EARLY).id
    deliver_pending(now=EARLY)  # the confirmations
    run_pass(now=START - 24 * HOUR)
    smtp.reply_with("550 5.1.1 No such mailbox")
    assert queue_due_reminders(now=START - HOUR) == 2
    deliver_pending(now=START - HOUR)

    with count_queries() as counter:
        statuses = reminder_statuses([on_time, bounced, 999])

    assert counter.count == 1
    assert statuses[999] == []
    sent_24h, sent_1h = statuses[on_time]
    assert (sent_24h.label, sent_24h.state, sent_24h.sent_at) == ("24 hours before", ReminderState.SENT,
                                                                 START - 24 * HOUR)
    assert (sent_1h.label, sent_1h.state, sent_1h.sent_at) == ("1 hour before", ReminderState.SENT, START - HOUR)
    # The sink refused the first 1-hour reminder for good (reminders are queued in registration order).
    failed = statuses[bounced][1]
    assert failed.state == ReminderState.FAILED and "550" in failed.error and failed.sent_at is None


def test_statuses_show_a_superseded_reminder_as_skipped(app):
    registration_id = make_registration(make_lab_session(now=EARLY, starts_at=START), now=EARLY).id
    queue_due_reminders(now=START - HOUR / 2)
    states = [(s.label, s.state) for s in reminder_statuses([registration_id])[registration_id]]
    assert states == [("24 hours before", ReminderState.SKIPPED), ("1 hour before", ReminderState.PENDING)]


def test_a_reminder_still_in_the_outbox_when_the_session_starts_is_withdrawn_not_sent(app, smtp):
    registration = make_registration(make_lab_session(now=EARLY, starts_at=START), now=EARLY)
    registration_id, email = registration.id, registration.email
    assert queue_due_reminders(now=START - HOUR) == 1  # queued, then the mail server was down until after the start

    run_pass(now=START + timedelta(minutes=1))

    assert not [m for m in smtp.to(email) if str(m["Subject"]).startswith("Reminder:")]
    status = reminder_statuses([registration_id])[registration_id][-1]  # the 1-hour one
    assert status.state == ReminderState.FAILED and "session started" in status.error
