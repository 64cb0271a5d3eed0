"""Per-person hours for a date range: what a district PD system imports, counted on each session's local date."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest

from labapp.privacy.services import erase_person
from labapp.records.services import CSV_COLUMNS
from labapp.registrations.attendance import set_checked_in
from tests.factories import make_admin, make_lab_session, make_registration, make_user
from tests.helpers import login

# 9:00 on 1 March in Auckland is still 28 February in UTC; 20:00 on 28 February in Los Angeles is 1 March in UTC.
AUCKLAND_START = datetime(2026, 2, 28, 20, 0, tzinfo=UTC)
LOS_ANGELES_START = datetime(2026, 3, 1, 4, 0, tzinfo=UTC)


def _held(start, *, facilitators=(), zone="UTC", minutes=90, title=None):
    """A session that took place at `start`."""
    fields = {"title": title} if title else {}
    return make_lab_session(starts_at=start, timezone=zone, duration_minutes=minutes, now=start - timedelta(days=20),
                            facilitators=list(facilitators), **fields)


def _came(lab, **details):
    person = make_registration(lab, now=lab.starts_at - timedelta(days=2), **details)
    set_checked_in(lab_session_id=lab.id, registration_id=person.id, is_checked_in=True, now=lab.starts_at)
    return person


def _rows(response):
    assert response.status_code == 200, response.get_data(as_text=True)
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[0] == CSV_COLUMNS
    return [dict(zip(CSV_COLUMNS, row, strict=True)) for row in rows[1:]]


def test_hours_list_only_people_who_came_on_each_sessions_local_date(signed_in, facilitator):
    auckland = _held(AUCKLAND_START, facilitators=[facilitator], zone="Pacific/Auckland", title="Kiwi Lab")
    los_angeles = _held(LOS_ANGELES_START, facilitators=[facilitator], zone="America/Los_Angeles", title="LA Lab")
    ana = _came(auckland, full_name="Ana Alvarez", email="ana@example.edu", organisation="Harbour High")
    _came(los_angeles, full_name="Ana Alvarez", email="ana@example.edu")
    make_registration(auckland, now=AUCKLAND_START - timedelta(days=1), full_name="Absent Abe")
    erased = _came(auckland, full_name="Erased Eve")
    erase_person(email=erased.email, now=AUCKLAND_START + timedelta(days=1))
    response = signed_in.get("/dashboard/hours.csv?starts_on=2026-03-01&ends_on=2026-03-31")
    assert response.is_streamed and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert _rows(response) == [{"name": "Ana Alvarez", "email": ana.email, "role": "Teacher", "school": "Harbour High",
                                "session": "Kiwi Lab", "date": "2026-03-01", "hours": "1.5"}]
    february = _rows(signed_in.get("/dashboard/hours.csv?starts_on=2026-02-01&ends_on=2026-02-28"))
    assert [(row["session"], row["date"]) for row in february] == [("LA Lab", "2026-02-28")]


def test_hours_rows_are_grouped_by_person_and_defuse_formulas(signed_in, facilitator):
    first = _held(datetime(2026, 5, 4, 15, tzinfo=UTC), facilitators=[facilitator], minutes=60)
    second = _held(datetime(2026, 5, 11, 15, tzinfo=UTC), facilitators=[facilitator], minutes=45)
    for lab in (first, second):
        _came(lab, full_name="Zed Young", email="zed@example.edu")
        _came(lab, full_name="=HYPERLINK(\"http://evil\")", email="evil@example.edu", organisation="+1 evil")
    rows = _rows(signed_in.get("/dashboard/hours.csv?starts_on=2026-05-01&ends_on=2026-05-31"))
    assert [(row["email"], row["hours"]) for row in rows] == [
        ("evil@example.edu", "1.0"), ("evil@example.edu", "0.75"), ("zed@example.edu", "1.0"),
        ("zed@example.edu", "0.75")]
    assert rows[0]["name"].startswith("'=") and rows[0]["school"] == "'+1 evil"


def test_facilitators_export_only_their_sessions_and_admins_every_session(client, signed_in, facilitator):
    start = datetime(2026, 6, 2, 15, tzinfo=UTC)
    _came(_held(start, facilitators=[facilitator]), full_name="Mine Person")
    _came(_held(start, facilitators=[make_user()]), full_name="Other Person")
    url = "/dashboard/hours.csv?starts_on=2026-06-01&ends_on=2026-06-30"
    assert [row["name"] for row in _rows(signed_in.get(url))] == ["Mine Person"]
    signed_in.post("/account/logout")
    login(client, make_admin())
    assert [row["name"] for row in _rows(client.get(url))] == ["Mine Person", "Other Person"]


@pytest.mark.parametrize(("query", "message"), [
    ("starts_on=2026-03-31&ends_on=2026-03-01", "The first date must be on or before the last date."),
    ("starts_on=2020-01-01&ends_on=2023-01-02", "Please choose at most 3 years at a time."),
    ("starts_on=2026-03-01", "Please give the last date."),
    ("starts_on=2026-02-30&ends_on=2026-03-01", "Not a valid date value."),
    ("", "Please give the first date."),
])
def test_a_bad_date_range_is_refused_with_a_clear_message(signed_in, query, message):
    response = signed_in.get(f"/dashboard/hours.csv?{query}")
    assert response.status_code == 400 and response.mimetype == "text/html"
    assert message in response.get_data(as_text=True)


def test_three_years_to_the_day_is_allowed(signed_in):
    assert _rows(signed_in.get("/dashboard/hours.csv?starts_on=2020-02-29&ends_on=2023-02-28")) == []


def test_the_hours_page_offers_the_last_twelve_months(signed_in):
    page = signed_in.get("/dashboard/hours")
    assert page.status_code == 200
    assert 'type="date"' in page.get_data(as_text=True) and "Only the sessions you facilitate" in page.get_data(
        as_text=True)
