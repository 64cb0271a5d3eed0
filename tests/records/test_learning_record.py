"""/my-record: a neutral request page, a time-limited link, hours that add up across time zones."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta

from labapp.db import db
from labapp.registrations.models import Registration
from tests.factories import make_lab_session, make_registration, now_utc
from tests.helpers import outbox, resolve_mail_requests


def _attended(lab, email):
    registration = make_registration(lab, email=email, now=lab.starts_at - timedelta(days=1), full_name="Rae Smith")
    row = db.session.get(Registration, registration.id)
    row.checked_in_at = lab.starts_at
    db.session.commit()
    return registration


def _past_lab(title, start, zone, minutes):
    return make_lab_session(title=title, starts_at=start, timezone=zone, duration_minutes=minutes,
                            now=start - timedelta(days=10))


def test_the_request_page_answers_the_same_for_known_and_unknown_addresses(client):
    make_registration(make_lab_session(), email="known@example.org")
    known = client.post("/my-record", data={"email": "known@example.org"}, follow_redirects=True)
    resolve_mail_requests()  # the worker's next pass
    unknown = client.post("/my-record", data={"email": "stranger@example.org"}, follow_redirects=True)
    resolve_mail_requests()  # the worker's next pass
    assert known.get_data(as_text=True) == unknown.get_data(as_text=True)
    assert [m.to_address for m in outbox("record_link")] == ["known@example.org"]


def test_record_lists_attended_sessions_and_hours_add_up_across_time_zones(client, app):
    base = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)
    _attended(_past_lab("Evening in LA", base, "America/Los_Angeles", 90), "rae@example.org")
    _attended(_past_lab("Morning in Sydney", base + timedelta(days=2), "Australia/Sydney", 45), "rae@example.org")
    absent = _past_lab("Missed one", base + timedelta(days=3), "Europe/London", 60)
    make_registration(absent, email="rae@example.org", now=absent.starts_at - timedelta(days=1))
    client.post("/my-record", data={"email": "Rae@example.org"})
    resolve_mail_requests()  # the worker's next pass
    token = re.search(r"/my-record/([\w-]+)", outbox("record_link")[0].text_body).group(1)
    page = client.get(f"/my-record/{token}").get_data(as_text=True)
    assert "Evening in LA" in page and "Morning in Sydney" in page and "Missed one" not in page
    assert "Sunday, March 1, 2026" in page  # local date in Los Angeles, not the UTC date
    assert "<strong>2.25</strong>" in page
    body = client.get(f"/my-record/{token}/record.csv").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0] == ["name", "email", "role", "school", "session", "date", "hours"]
    assert [r[6] for r in rows[1:]] == ["1.5", "0.75"]
    assert rows[2][5] == "2026-03-04"  # Sydney's local date


def test_expired_record_link_answers_410(client, app):
    make_registration(make_lab_session(), email="late@example.org")
    client.post("/my-record", data={"email": "late@example.org"})
    resolve_mail_requests()  # the worker's next pass
    token = re.search(r"/my-record/([\w-]+)", outbox("record_link")[0].text_body).group(1)
    later = now_utc() + timedelta(hours=25)  # a day and an hour after the link was sent
    app.config["CLOCK"] = lambda: later
    assert client.get(f"/my-record/{token}").status_code == 410
    assert client.get("/my-record/not-a-token").status_code == 404
