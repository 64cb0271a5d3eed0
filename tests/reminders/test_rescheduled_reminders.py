"""A session that moves gets its reminders again for the new time, and never one naming the old time late."""

from __future__ import annotations

from datetime import timedelta

from labapp.db import db
from labapp.reminders.services import queue_due_reminders
from labapp.session_changes.services import update_session
from labapp.sessions.models import LabSession
from labapp.sessions.services import SessionFields
from labapp.worker import run_pass
from tests.factories import make_lab_session, make_registration
from tests.reminders.test_sending_reminders import EARLY, HOUR, START

DAY = 24 * HOUR


def _move(lab_id, *, to, now):
    lab = db.session.get(LabSession, lab_id)
    fields = {name: getattr(lab, name) for name in (
        "title", "timezone", "duration_minutes", "capacity", "format", "summary", "description",
        "location", "join_url", "registration_opens_at", "reply_to")}
    update_session(lab_session_id=lab.id, now=now,
                   changes=SessionFields(**fields, starts_at=to, registration_closes_at=None))


def _reminders(smtp, address):
    return [m for m in smtp.to(address) if str(m["Subject"]).startswith("Reminder:")]


def _text(message) -> str:
    return next(part.get_content() for part in message.walk() if part.get_content_type() == "text/plain")


def test_a_session_moved_a_week_later_sends_its_reminders_again_before_the_new_time(app, smtp):
    lab = make_lab_session(now=EARLY, starts_at=START, title="Moving Lab")
    email, lab_id = make_registration(lab, now=EARLY).email, lab.id
    run_pass(now=START - 23 * HOUR)  # the 24-hour reminder for Tuesday Dec 8 goes out
    new_start = START + 7 * DAY
    _move(lab_id, to=new_start, now=START - 22 * HOUR)

    for moment in (START - HOUR, new_start - DAY, new_start - 23 * HOUR, new_start - HOUR):
        run_pass(now=moment)

    reminders = _reminders(smtp, email)
    assert [str(m["Subject"]) for m in reminders] == [
        "Reminder: Moving Lab — starts tomorrow at 4:00 PM EST",
        "Reminder: Moving Lab — starts tomorrow at 4:00 PM EST",
        "Reminder: Moving Lab — starts in 1 hour (4:00 PM EST)",
    ]
    assert "Dec 8" in _text(reminders[0])
    assert all("Dec 15" in _text(m) and "Dec 8" not in _text(m) for m in reminders[1:])


def test_a_reminder_still_in_the_outbox_for_the_old_time_is_never_sent(app, smtp):
    lab = make_lab_session(now=EARLY, starts_at=START, title="Moving Lab")
    email, lab_id = make_registration(lab, now=EARLY).email, lab.id
    assert queue_due_reminders(now=START - 23 * HOUR) == 1  # queued, not yet delivered
    new_start = START + 2 * DAY
    _move(lab_id, to=new_start, now=START - 22 * HOUR)

    run_pass(now=START - 22 * HOUR + timedelta(seconds=1))
    assert _reminders(smtp, email) == []
    assert [str(m["Subject"]).split(":")[0] for m in smtp.to(email)][-1] == "Updated"

    run_pass(now=new_start - 23 * HOUR)
    [reminder] = _reminders(smtp, email)
    assert "Dec 10" in _text(reminder)


def test_a_session_moved_earlier_does_not_repeat_the_reminder_already_sent(app, smtp):
    lab = make_lab_session(now=EARLY, starts_at=START, title="Moving Lab")
    email, lab_id = make_registration(lab, now=EARLY).email, lab.id
    run_pass(now=START - 23 * HOUR)  # 24-hour reminder sent
    new_start = START - 10 * HOUR  # 6:00 AM EST the same day
    _move(lab_id, to=new_start, now=START - 22 * HOUR)

    for moment in (START - 21 * HOUR, new_start - HOUR, new_start - HOUR / 2):
        run_pass(now=moment)

    assert [str(m["Subject"]) for m in _reminders(smtp, email)] == [
        "Reminder: Moving Lab — starts tomorrow at 4:00 PM EST",
        "Reminder: Moving Lab — starts in 1 hour (6:00 AM EST)",
    ]
