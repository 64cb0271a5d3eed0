"""Attendees answer through their private link: once, editable for 14 days, then closed."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from labapp.db import db
from labapp.feedback.follow_up import send_due_follow_ups
from labapp.feedback.models import FeedbackResponse
from labapp.mail.deliver import deliver_pending
from labapp.registrations.services import cancel_registration
from tests.factories import make_lab_session, now_utc
from tests.feedback.support import answers, at, came, ended_lab, feedback_path, link_in
from tests.helpers import outbox


def _ticked(html: str) -> set[str]:
    return set(re.findall(r'<input checked id="focus_populations-\d" name="focus_populations" type="checkbox" '
                          r'value="(\w+)"', html))


def _responses() -> list[FeedbackResponse]:
    db.session.expire_all()
    return list(db.session.scalars(select(FeedbackResponse).order_by(FeedbackResponse.id)))


def test_checked_in_people_are_asked_once_and_absent_people_never(app, client, smtp):
    lab = ended_lab()
    here = came(lab, email="here@example.edu", focus_populations=["english_learners", "newcomers"])
    absent = came(lab, checked_in=False, email="absent@example.edu")
    now = now_utc()
    assert send_due_follow_ups(now=now) == 1
    assert send_due_follow_ups(now=now + timedelta(hours=1)) == 0
    deliver_pending(now=now)
    [email] = [m for m in smtp.to("here@example.edu") if str(m["Subject"]).startswith("Thank you:")]
    assert not [m for m in smtp.to("absent@example.edu") if str(m["Subject"]).startswith("Thank you:")]
    text = email.get_body(preferencelist=("plain",)).get_content()
    assert "what will you try next?" in text
    page = client.get(link_in(text))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<legend>How useful was this conversation for your work?" in html
    assert "1 — Not useful" in html and "5 — Very useful" in html
    # Their focus populations from registration come pre-ticked.
    assert _ticked(html) == {"english_learners", "newcomers"}
    assert feedback_path(here) == link_in(text)
    assert client.get(feedback_path(absent)).status_code == 404


def test_new_sessions_ask_an_hour_after_the_end_and_a_session_can_turn_it_off(app):
    lab = ended_lab(hours_ago=0.5)
    off = ended_lab(hours_ago=3, follow_up_after_hours=None)
    came(lab)
    came(off)
    assert send_due_follow_ups(now=now_utc()) == 0  # 30 minutes after the end: not yet, and `off` never
    assert send_due_follow_ups(now=lab.ends_at + timedelta(hours=1)) == 1
    assert [m.registration_id for m in outbox("registration_follow_up")] != []


def test_one_response_per_registration_that_can_be_changed(client):
    lab = ended_lab()
    person = came(lab)
    first = client.post(feedback_path(person), data=answers())
    assert first.status_code == 302
    page = client.get(first.headers["Location"]).get_data(as_text=True)
    assert "Your answers are saved" in page and "Call two families" in page and "Save changes" in page
    again = client.post(feedback_path(person), data=answers(usefulness="5", commitment="Start a family circle.",
                                                            suggestion="More time for the last part."))
    assert again.status_code == 302
    [response] = _responses()
    assert (response.usefulness, response.commitment, response.suggestion) == (
        5, "Start a family circle.", "More time for the last part.")
    assert response.focus_populations == ["newcomers"]
    assert response.updated_at >= response.submitted_at


def test_bad_input_gets_the_form_again_with_messages_and_saves_nothing(client):
    person = came(ended_lab())
    for bad, message in [
        (answers(usefulness=""), "Please choose how useful it was"),
        (answers(usefulness="7"), "Please choose how useful it was"),
        (answers(usefulness="four"), "Please choose how useful it was"),
        (answers(commitment="   "), "Please tell us one thing you will try."),
        (answers(commitment="x" * 1001), "Please keep this under 1,000 characters."),
        (answers(suggestion="y" * 2001), "Please keep this under 2,000 characters."),
        (answers(focus_populations=["martians"]), "is not a valid choice"),
    ]:
        response = client.post(feedback_path(person), data=bad)
        assert response.status_code == 400, bad
        html = response.get_data(as_text=True)
        assert message in html and 'class="error-summary"' in html, bad
    assert _responses() == []


def test_unknown_wrong_and_not_asked_links_answer_404(client):
    lab = ended_lab()
    person = came(lab)
    other = came(lab)
    cancelled = came(make_lab_session(), checked_in=False)
    cancel_registration(registration_id=cancelled.id, now=now_utc())
    _, token = feedback_path(person).rsplit("/", 1)
    assert client.get(f"/feedback/{other.id}/{token}").status_code == 404  # someone else's id
    assert client.get(f"/feedback/{person.id}/not-the-token").status_code == 404
    assert client.get(f"/feedback/999999/{token}").status_code == 404
    assert client.get(feedback_path(cancelled)).status_code == 404
    assert client.post(f"/feedback/{person.id}/{'x' * 300}", data=answers()).status_code == 404
    assert _responses() == []


def test_the_form_closes_14_days_after_the_end_with_a_clear_page(app, client):
    lab = ended_lab()
    person = came(lab)
    at(app, lab.ends_at + timedelta(days=14) - timedelta(minutes=1))
    assert client.post(feedback_path(person), data=answers()).status_code == 302
    at(app, lab.ends_at + timedelta(days=14))
    closed = client.get(feedback_path(person))
    assert closed.status_code == 410
    assert "Feedback for this session is closed" in closed.get_data(as_text=True)
    late = client.post(feedback_path(person), data=answers(usefulness="1"))
    assert late.status_code == 410
    assert [r.usefulness for r in _responses()] == [4]


def test_the_private_page_is_never_cached_or_indexed(client):
    person = came(ended_lab())
    for response in (client.get(feedback_path(person)), client.get(f"/feedback/{person.id}/nope"),
                     client.post(feedback_path(person), data=answers(usefulness=""))):
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["X-Robots-Tag"] == "noindex"


def test_two_submits_leave_one_response(client):
    person = came(ended_lab())
    for _ in range(3):
        client.post(feedback_path(person), data=answers())
    assert db.session.scalar(select(func.count()).select_from(FeedbackResponse)) == 1
