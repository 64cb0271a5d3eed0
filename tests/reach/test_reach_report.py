"""The reach report: hand-built sessions and people, unique people by email, small numbers withheld."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime, timedelta

import pytest

from labapp.db import db
from labapp.feedback.links import feedback_token
from labapp.feedback.services import submit_feedback
from labapp.reach.services import school_year_start
from labapp.registrations.models import EducatorRole, Registration
from labapp.registrations.services import cancel_registration
from labapp.session_changes.services import cancel_session
from labapp.sessions.models import SessionFormat
from tests.factories import make_admin, make_lab_session, make_registration, make_user
from tests.helpers import count_queries, login

NOW = datetime(2026, 12, 3, 18, 0, tzinfo=UTC)
RANGE = {"starts_on": "2026-08-01", "ends_on": "2026-12-03"}


def _lab(title, starts_at, **overrides):
    return make_lab_session(title=title, starts_at=starts_at, duration_minutes=60, capacity=100,
                            now=starts_at - timedelta(days=20), **overrides)


def _person(lab, email, *, came=True, role=EducatorRole.TEACHER, organisation="Lincoln Middle", focus=(),
            answer=None):
    registration = make_registration(lab, email=email, role=role, organisation=organisation,
                                     focus_populations=list(focus), now=lab.starts_at - timedelta(days=1))
    if came:
        db.session.get(Registration, registration.id).checked_in_at = lab.starts_at
        db.session.commit()
    if answer:
        submit_feedback(registration_id=registration.id, token=feedback_token(registration.token_salt),
                        usefulness=answer, commitment="Try it.", focus_populations=[], suggestion="",
                        now=lab.ends_at + timedelta(hours=2))
    return registration


@pytest.fixture
def labs(app):
    """Two sessions held in the range, one the spring before, one cancelled, one still ahead."""
    app.config["CLOCK"] = lambda: NOW
    online = _lab("Online in October", datetime(2026, 10, 6, 21, 0, tzinfo=UTC))
    in_person = _lab("In person in November", datetime(2026, 11, 10, 15, 0, tzinfo=UTC),
                     format=SessionFormat.IN_PERSON, location="Room 4", join_url="")
    spring = _lab("Last spring", datetime(2026, 4, 14, 21, 0, tzinfo=UTC))
    cancelled = _lab("Cancelled", datetime(2026, 9, 1, 21, 0, tzinfo=UTC))
    ahead = _lab("Still ahead", NOW + timedelta(days=5), )
    # Six teachers from Lincoln came online; two of them came again in person, one under another spelling.
    for n in range(6):
        _person(online, f"teacher{n}@lincoln.example", focus=["english_learners"], answer=4 + n % 2)
    _person(in_person, "teacher0@lincoln.example", answer=5)
    _person(in_person, "  Teacher1@LINCOLN.example", organisation="  lincoln   middle ")
    # One of them had come last spring: a returning person.
    _person(spring, "teacher2@lincoln.example")
    # Three coaches (fewer than 5) came in person; one more registered and did not come.
    for n in range(3):
        _person(in_person, f"coach{n}@district.example", role=EducatorRole.COACH, organisation="District Office")
    _person(in_person, "noshow@district.example", role=EducatorRole.COACH, organisation="District Office",
            came=False)
    # Cancelled people, cancelled sessions and sessions still ahead never count.
    gone = _person(online, "gone@elsewhere.example", came=False, organisation="Elsewhere")
    cancel_registration(registration_id=gone.id, now=online.starts_at - timedelta(hours=5))
    _person(cancelled, "cancelled@elsewhere.example", came=False, organisation="Elsewhere")
    cancel_session(lab_session_id=cancelled.id, now=cancelled.starts_at - timedelta(days=2))
    _person(ahead, "future@elsewhere.example", came=False, organisation="Elsewhere")
    return online, in_person


@pytest.fixture
def admin_client(client, labs):
    login(client, make_admin())
    return client


def test_reach_counts_unique_people_and_withholds_small_numbers(admin_client):
    html = admin_client.get("/dashboard/reach", query_string=RANGE).get_data(as_text=True)
    figures = {
        "Sessions held": "2",
        "People registered": "10",  # 6 teachers + 4 coaches; teacher0 and teacher1 counted once
        "People who attended": "9",
        "Attendance rate (seats checked in)": "92%",  # 11 of 12 seats
        "New people (first lab attended in this range)": "8",
        "Returning people (attended before this range)": "fewer than 5",  # 1
        "Feedback responses": "7",
        "Response rate": "64%",  # 7 of 11 checked-in seats
        "Average usefulness (1–5)": "4.6",  # (4+5+4+5+4+5+5)/7
    }
    for label, value in figures.items():
        assert f'<tr><th scope="row">{label}</th><td>{value}</td></tr>' in html, label
    assert '<tr><th scope="row">Teacher</th><td>6</td><td>6</td></tr>' in html
    assert '<tr><th scope="row">Instructional coach</th><td>fewer than 5</td><td>fewer than 5</td></tr>' in html
    assert '<tr><th scope="row">English learners</th><td>6</td><td>6</td></tr>' in html
    assert '<tr><th scope="row">Lincoln Middle</th><td>6</td><td>6</td></tr>' in html
    assert '<tr><th scope="row">Online</th><td>6</td><td>6</td></tr>' in html
    assert '<tr><th scope="row">In person</th><td>6</td><td>5</td></tr>' in html
    assert "Elsewhere" not in html
    assert html.count("<svg") == 4


def test_csv_and_json_leave_small_numbers_out_the_same_way(admin_client):
    response = admin_client.get("/dashboard/reach.csv", query_string=RANGE)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    by_key = {(row["figure"], row["label"]): row for row in rows}
    assert by_key[("people_registered", "")]["registered"] == "10"
    assert by_key[("returning_people", "")]["registered"] == "fewer than 5"
    coach = by_key[("role", "Instructional coach")]
    assert (coach["registered"], coach["attended"]) == ("fewer than 5", "fewer than 5")
    assert by_key[("organisation", "District Office")]["registered"] == "fewer than 5"
    data = json.loads(admin_client.get("/dashboard/reach.json", query_string=RANGE).data)
    assert data["people_registered"] == 10 and data["people_attended"] == 9
    assert data["returning_people"] is None and data["sessions_held"] == 2
    assert data["average_usefulness"] == 4.6 and data["response_rate"] == pytest.approx(7 / 11, abs=0.001)
    coach = next(row for row in data["breakdowns"]["role"] if row["label"] == "Instructional coach")
    assert coach == {"label": "Instructional coach", "registered": None, "attended": None}
    # No count from 1 to 4 appears anywhere in the JSON.
    def counts(value):
        if isinstance(value, dict):
            return [n for v in value.values() for n in counts(v)]
        if isinstance(value, list):
            return [n for v in value for n in counts(v)]
        return [value] if isinstance(value, int) and not isinstance(value, bool) else []
    people = {k: v for k, v in data.items() if k not in ("sessions_held",)}
    assert not [n for n in counts(people) if 1 <= n <= 4]


def test_few_answers_hide_the_average_too(app, client):
    app.config["CLOCK"] = lambda: NOW
    lab = _lab("Small", datetime(2026, 10, 6, 21, 0, tzinfo=UTC))
    for n in range(6):
        _person(lab, f"p{n}@example.org", answer=5 if n == 0 else None)
    login(client, make_admin())
    data = json.loads(client.get("/dashboard/reach.json", query_string=RANGE).data)
    assert data["feedback_responses"] is None and data["average_usefulness"] is None
    assert data["response_rate"] is None and data["people_attended"] == 6


def test_the_default_range_is_this_school_year(app, client):
    app.config["CLOCK"] = lambda: NOW
    login(client, make_admin())
    html = client.get("/dashboard/reach").get_data(as_text=True)
    assert 'value="2026-08-01"' in html and 'value="2026-12-03"' in html
    assert "<h2>2026-08-01 to 2026-12-03</h2>" in html
    assert school_year_start(date(2026, 3, 1)) == date(2025, 8, 1)
    assert school_year_start(date(2026, 8, 1)) == date(2026, 8, 1)
    assert 'href="/dashboard/reach"' in client.get("/dashboard").get_data(as_text=True)


@pytest.mark.parametrize("args", [{"starts_on": "2026-12-03", "ends_on": "2026-08-01"},
                                  {"starts_on": "yesterday", "ends_on": "2026-08-01"},
                                  {"starts_on": "2026-08-01"},
                                  {"starts_on": "2016-08-01", "ends_on": "2026-08-01"}])
def test_a_bad_range_gets_the_form_again_with_a_message(app, client, args):
    login(client, make_admin())
    page = client.get("/dashboard/reach", query_string=args)
    assert page.status_code == 400 and 'class="error-summary"' in page.get_data(as_text=True)
    assert client.get("/dashboard/reach.csv", query_string=args).status_code == 400
    answer = client.get("/dashboard/reach.json", query_string=args)
    assert answer.status_code == 400 and json.loads(answer.data)["errors"]


def test_reach_is_for_admins_only(app, client):
    for path in ("/dashboard/reach", "/dashboard/reach.csv", "/dashboard/reach.json"):
        assert client.get(path).status_code == 302  # anonymous: to the sign-in page
    login(client, make_user())
    for path in ("/dashboard/reach", "/dashboard/reach.csv", "/dashboard/reach.json"):
        assert client.get(path).status_code == 403
    assert 'href="/dashboard/reach"' not in client.get("/dashboard").get_data(as_text=True)


def test_reach_runs_the_same_number_of_queries_for_few_or_many_people(app, client):
    app.config["CLOCK"] = lambda: NOW
    login(client, make_admin())
    first = _lab("First", datetime(2026, 10, 6, 21, 0, tzinfo=UTC))
    _person(first, "one@example.org", answer=3)
    db.session.expire_all()
    with count_queries() as few:
        assert client.get("/dashboard/reach.json", query_string=RANGE).status_code == 200
    for n in range(3):
        lab = _lab(f"More {n}", datetime(2026, 10, 7 + n, 21, 0, tzinfo=UTC))
        for m in range(8):
            _person(lab, f"p{m}-{n}@example.org", answer=1 + m % 5, organisation=f"School {m}")
    db.session.expire_all()
    with count_queries() as many:
        data = json.loads(client.get("/dashboard/reach.json", query_string=RANGE).data)
    assert data["sessions_held"] == 4 and data["people_attended"] == 25
    assert many.count == few.count
