"""Facilitators read their session's feedback: chart, table, average, words with names, a safe CSV."""

from __future__ import annotations

import csv
import io

import pytest

from labapp.db import db
from labapp.feedback.links import feedback_token
from labapp.feedback.services import submit_feedback
from tests.factories import make_admin, make_user, now_utc
from tests.feedback.support import came, ended_lab
from tests.helpers import count_queries, login


@pytest.fixture
def lab(facilitator):  # `facilitator` comes from tests/dashboard/conftest.py; this session has ended
    return ended_lab(title="Listening to Families", facilitators=[facilitator], capacity=50)


def _answer(lab, score, commitment="", suggestion="", **person):
    registration = came(lab, **person)
    submit_feedback(registration_id=registration.id, token=feedback_token(registration.token_salt),
                    usefulness=score, commitment=commitment or f"Plan {registration.id}",
                    focus_populations=["english_learners"], suggestion=suggestion, now=now_utc())
    return registration


def test_facilitator_reads_counts_chart_average_and_words_with_names(client, facilitator, lab):
    _answer(lab, 5, commitment="Call two families before Friday.", full_name="Rosa Delgado",
            suggestion="More time for commitments.")
    _answer(lab, 3, full_name="Sam Lee")
    came(lab)  # came, did not answer
    came(lab, checked_in=False)  # did not come
    login(client, facilitator)
    page = client.get(f"/dashboard/sessions/{lab.id}/feedback")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<strong>2</strong> of 3 people who came answered (67%)" in html
    assert "Average usefulness: <strong>4.0</strong> out of 5" in html
    assert "<svg" in html and 'role="img"' in html
    assert '<tr><th scope="row">5 — Very useful</th><td>1</td></tr>' in html
    assert '<tr><th scope="row">4</th><td>0</td></tr>' in html
    assert '<strong>Rosa Delgado</strong> <span class="small">(for English learners)</span>: Call two' in html
    assert "More time for commitments." in html and "Sam Lee" in html
    # The session's dashboard page links to it.
    detail = client.get(f"/dashboard/sessions/{lab.id}").get_data(as_text=True)
    assert f'href="/dashboard/sessions/{lab.id}/feedback"' in detail


def test_the_csv_is_formula_safe(client, facilitator, lab):
    _answer(lab, 2, commitment="=HYPERLINK(\"http://evil\")", full_name="@Mallory", suggestion="+1 more")
    login(client, facilitator)
    response = client.get(f"/dashboard/sessions/{lab.id}/feedback.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    [row] = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert row["name"] == "'@Mallory" and row["commitment"].startswith("'=HYPERLINK")
    assert row["suggestion"] == "'+1 more" and row["usefulness"] == "2"
    assert row["for_which_students"] == "English learners"


def test_another_facilitator_gets_403_and_an_admin_may_read(client, lab):
    other = make_user(name="Other Facilitator")
    login(client, other)
    assert client.get(f"/dashboard/sessions/{lab.id}/feedback").status_code == 403
    assert client.get(f"/dashboard/sessions/{lab.id}/feedback.csv").status_code == 403
    assert client.get("/dashboard/sessions/999999/feedback").status_code == 404
    client.post("/account/logout")
    assert client.get(f"/dashboard/sessions/{lab.id}/feedback").status_code == 302  # to the sign-in page
    login(client, make_admin())
    assert client.get(f"/dashboard/sessions/{lab.id}/feedback").status_code == 200


def test_the_page_runs_the_same_number_of_queries_for_2_or_20_responses(client, facilitator, lab):
    login(client, facilitator)
    for n in range(2):
        _answer(lab, 1 + n % 5)
    client.get(f"/dashboard/sessions/{lab.id}/feedback")  # warm up
    db.session.expunge_all()  # each measured request starts with nothing loaded, as in production
    with count_queries() as few:
        assert client.get(f"/dashboard/sessions/{lab.id}/feedback").status_code == 200
    for n in range(18):
        _answer(lab, 1 + n % 5)
    db.session.expunge_all()
    with count_queries() as many:
        html = client.get(f"/dashboard/sessions/{lab.id}/feedback").get_data(as_text=True)
    assert "<strong>20</strong> of 20 people" in html
    assert many.count == few.count


def test_the_overview_shows_response_rate_and_average_usefulness(client, facilitator, lab):
    _answer(lab, 5)
    _answer(lab, 4)
    came(lab)
    came(lab)
    login(client, facilitator)
    html = client.get("/dashboard").get_data(as_text=True)
    assert "<strong>50%</strong> of the people who came answered the feedback form" in html
    assert "average usefulness <strong>4.5</strong> out of 5" in html
    assert f'<a href="/dashboard/sessions/{lab.id}/feedback">2 of 4</a> (50%)' in html
