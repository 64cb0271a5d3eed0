"""Reminders come once, on time, in the session's own time zone — over real SMTP, on both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from labapp.db import db
from labapp.protocol.agendas import reminder_prompts
from labapp.registrations.links import manage_url
from labapp.registrations.services import cancel_registration
from labapp.reminders.emails import stop_url
from labapp.reminders.services import queue_due_reminders
from labapp.worker import run_pass
from tests.conftest import empty_all_tables
from tests.factories import make_lab_session, make_registration
from tests.helpers import count_queries, outbox

START = datetime(2026, 12, 8, 21, 0, tzinfo=UTC)  # Tuesday 4:00 PM EST
EARLY = START - timedelta(days=5)
HOUR = timedelta(hours=1)


def reminder_subjects(smtp, address: str) -> list[str]:
    return [str(m["Subject"]) for m in smtp.to(address) if str(m["Subject"]).startswith("Reminder:")]


def queued_reminders_to(address: str) -> list[str]:
    return [m.subject for m in outbox("reminder") if m.to_address == address]


def test_the_24_hour_and_the_1_hour_reminder_each_arrive_once(app, smtp):
    lab = make_lab_session(now=EARLY, starts_at=START, title="Listening Lab")
    email = make_registration(lab, now=EARLY).email

    for moment in (START - 24 * HOUR - timedelta(seconds=1), START - 24 * HOUR, START - 23 * HOUR,
                   START - HOUR, START - HOUR / 2, START, START + HOUR):
        run_pass(now=moment)

    assert reminder_subjects(smtp, email) == [
        "Reminder: Listening Lab — starts tomorrow at 4:00 PM EST",
        "Reminder: Listening Lab — starts in 1 hour (4:00 PM EST)",
    ]


def test_running_reminders_twice_sends_one_email(app, runner):
    lab = make_lab_session(now=EARLY, starts_at=START)
    email = make_registration(lab, now=EARLY).email
    now = (START - 24 * HOUR).isoformat()

    first = runner.invoke(args=["reminders", "send", "--now", now])
    second = runner.invoke(args=["reminders", "send", "--now", now])

    assert "reminders=1" in first.output and "reminders=0" in second.output
    assert len(queued_reminders_to(email)) == 1


def test_reminders_send_refuses_a_malformed_now(app, runner):
    result = runner.invoke(args=["reminders", "send", "--now", "next tuesday"])
    assert result.exit_code != 0 and "ISO 8601" in result.output


def test_registering_after_the_24_hour_moment_skips_the_starts_tomorrow_reminder(app, smtp):
    lab = make_lab_session(now=EARLY, starts_at=START, title="Late Lab")
    email = make_registration(lab, now=START - 10 * HOUR).email

    for moment in (START - 10 * HOUR + timedelta(minutes=1), START - 2 * HOUR, START - HOUR):
        run_pass(now=moment)

    assert reminder_subjects(smtp, email) == ["Reminder: Late Lab — starts in 1 hour (4:00 PM EST)"]


def test_after_downtime_only_the_latest_reminder_is_sent(app, smtp):
    lab = make_lab_session(now=EARLY, starts_at=START, title="Catch-up Lab")
    email = make_registration(lab, now=EARLY).email

    run_pass(now=START - timedelta(minutes=30))  # the worker was down through both moments
    run_pass(now=START - timedelta(minutes=10))

    assert reminder_subjects(smtp, email) == ["Reminder: Catch-up Lab — starts in 30 minutes (4:00 PM EST)"]


def test_nothing_is_sent_once_the_session_has_started(app):
    lab = make_lab_session(now=EARLY, starts_at=START)
    make_registration(lab, now=EARLY)
    assert queue_due_reminders(now=START) == 0
    assert queue_due_reminders(now=START + timedelta(minutes=5)) == 0


def test_cancelled_waitlisted_and_unsubscribed_people_get_no_reminders(app, client):
    lab = make_lab_session(now=EARLY, starts_at=START, capacity=3)
    coming = make_registration(lab, now=EARLY)
    cancelled = make_registration(lab, now=EARLY)
    unsubscribed = make_registration(lab, now=EARLY)
    cancel_registration(registration_id=cancelled.id, now=EARLY)
    also_coming = make_registration(lab, now=EARLY)
    waitlisted = make_registration(lab, now=EARLY)
    assert waitlisted.is_waitlisted
    expected = sorted([coming.email, also_coming.email] * 2)
    assert client.post(stop_url(unsubscribed)).status_code == 200

    run_pass(now=START - 24 * HOUR)
    run_pass(now=START - HOUR)

    reminded = sorted(m.to_address for m in outbox("reminder"))
    assert reminded == expected


def test_a_person_promoted_from_the_waitlist_gets_the_reminders_still_ahead(app):
    lab = make_lab_session(now=EARLY, starts_at=START, capacity=1, title="Waitlist Lab")
    seated = make_registration(lab, now=EARLY)
    waiting = make_registration(lab, now=EARLY)
    seated_id, seated_email, waiting_email = seated.id, seated.email, waiting.email

    run_pass(now=START - 24 * HOUR)  # only the seated person is reminded
    cancel_registration(registration_id=seated_id, now=START - 20 * HOUR)  # the seat goes to `waiting`
    run_pass(now=START - 20 * HOUR)
    run_pass(now=START - HOUR)

    assert len(queued_reminders_to(seated_email)) == 1
    assert queued_reminders_to(waiting_email) == ["Reminder: Waitlist Lab — starts in 1 hour (4:00 PM EST)"]


def test_promoted_before_the_first_moment_gets_every_reminder(app):
    lab = make_lab_session(now=EARLY, starts_at=START, capacity=1)
    seated = make_registration(lab, now=EARLY)
    waiting_email = make_registration(lab, now=EARLY).email
    cancel_registration(registration_id=seated.id, now=START - 48 * HOUR)

    run_pass(now=START - 24 * HOUR)
    run_pass(now=START - HOUR)

    assert len(queued_reminders_to(waiting_email)) == 2


@pytest.mark.parametrize("local_start", [
    datetime(2026, 11, 1, 10, 0),  # the morning after the clocks go back (2:00 EDT -> 1:00 EST)
    datetime(2026, 11, 2, 10, 0),  # the day after DST ends
], ids=["nov-1", "nov-2"])
def test_a_session_after_dst_ends_is_reminded_24_real_hours_earlier_and_shows_est(app, local_start):
    from zoneinfo import ZoneInfo

    starts_at = local_start.replace(tzinfo=ZoneInfo("America/New_York")).astimezone(UTC)
    lab = make_lab_session(now=starts_at - timedelta(days=10), starts_at=starts_at,
                           timezone="America/New_York", title="Fall Lab")
    make_registration(lab, now=starts_at - timedelta(days=10))

    assert queue_due_reminders(now=starts_at - 24 * HOUR - timedelta(seconds=1)) == 0
    assert queue_due_reminders(now=starts_at - 24 * HOUR) == 1

    message = outbox("reminder")[0]
    assert message.subject == "Reminder: Fall Lab — starts tomorrow at 10:00 AM EST"
    assert "10:00–11:30 AM EST" in message.text_body


def test_a_sessions_own_offsets_replace_the_defaults(app):
    lab = make_lab_session(now=EARLY, starts_at=START, reminder_offsets="2h", title="Own Lab")
    make_registration(lab, now=EARLY)

    assert queue_due_reminders(now=START - 24 * HOUR) == 0
    assert queue_due_reminders(now=START - 2 * HOUR) == 1
    assert queue_due_reminders(now=START - HOUR) == 0
    assert outbox("reminder")[0].subject == "Reminder: Own Lab — starts in 2 hours (4:00 PM EST)"


def test_the_reminder_says_when_where_what_to_think_about_and_how_to_cancel_or_stop(app, smtp):
    lab = make_lab_session(now=EARLY, starts_at=START, title="Content Lab", join_url="https://meet.example.org/c")
    registration = make_registration(lab, now=EARLY)
    email, manage, stop = registration.email, manage_url(registration), stop_url(registration)
    agenda = f"/sessions/{lab.slug}#agenda"

    run_pass(now=START - HOUR)

    message = next(m for m in smtp.to(email) if str(m["Subject"]).startswith("Reminder:"))
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    for body in (text, html):
        assert "Tue, Dec 8 · 4:00–5:30 PM EST" in body
        assert "https://meet.example.org/c" in body
        assert agenda in body
        assert all(prompt in body for prompt in reminder_prompts())
        assert "What to bring" in body or "What to bring:" in body
        assert "Can't make it?" in body
        assert manage in body and stop in body
    assert 2 <= len(reminder_prompts()) <= 3
    assert str(message["List-Unsubscribe"]).strip() == f"<{stop}>"  # long headers arrive folded
    assert str(message["List-Unsubscribe-Post"]).strip() == "List-Unsubscribe=One-Click"


def test_queries_per_pass_do_not_grow_with_the_number_of_people(app):
    counts = []
    for size in (3, 30):
        lab = make_lab_session(now=EARLY, starts_at=START, capacity=size)
        for _ in range(size):
            make_registration(lab, now=EARLY)
        with count_queries() as counter:
            assert queue_due_reminders(now=START - HOUR) == size
        counts.append(counter.count)
        db.session.remove()
        empty_all_tables()
    assert counts[0] == counts[1]


@pytest.mark.parametrize("grows", ["people", "sessions"])
def test_queries_per_pass_do_not_grow_with_people_or_sessions_in_either_language(app, grows):
    counts = []
    for size in (2, 6):
        sessions, people = (2, size * 3) if grows == "people" else (size, 2)
        for _ in range(sessions):
            lab = make_lab_session(now=EARLY, starts_at=START, capacity=people)
            for n in range(people):
                make_registration(lab, now=EARLY, language="es" if n % 2 else "en")
        with count_queries() as counter:
            assert queue_due_reminders(now=START - HOUR) == sessions * people
        counts.append(counter.count)
        db.session.remove()
        empty_all_tables()
    assert counts[0] == counts[1], counts
