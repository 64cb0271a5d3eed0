"""Feedback in a real browser: an attendee answers on a phone, the facilitator reads it; axe on the new pages."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest

from labapp.accounts.services import find_user_by_email
from labapp.db import db
from labapp.feedback.follow_up import send_due_follow_ups
from labapp.feedback.links import feedback_token
from labapp.feedback.services import submit_feedback
from labapp.registrations.models import Registration
from tests.browser.helpers import axe_violations, html_errors, preload_axe
from tests.browser.pages import ADMIN, FACILITATOR, sign_in
from tests.browser.tools import NOW, PHONE
from tests.factories import make_lab_session, make_registration

TITLE = "Hearing families first"
NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"


def _ended(title: str, ended_ago: timedelta, **overrides):
    start = NOW - ended_ago - timedelta(hours=1)
    facilitator = find_user_by_email("facilitator@example.org")
    return make_lab_session(title=title, starts_at=start, duration_minutes=60, now=start - timedelta(days=10),
                            facilitators=[facilitator], **overrides)


def _came(lab, **overrides) -> Registration:
    registration = make_registration(lab, now=lab.starts_at - timedelta(days=2), **overrides)
    db.session.get(Registration, registration.id).checked_in_at = lab.starts_at + timedelta(minutes=3)
    db.session.commit()
    return registration


def _path(registration: Registration) -> str:
    return f"/feedback/{registration.id}/{feedback_token(registration.token_salt)}"


def test_an_attendee_answers_on_a_phone_and_the_facilitator_reads_it(live_server, smtp, open_page, demo_site):
    lab = _ended(TITLE, timedelta(hours=2))
    _came(lab, full_name="Rosa Delgado", email="rosa@example.edu", focus_populations=["english_learners"])
    absent = make_registration(lab, now=lab.starts_at - timedelta(days=2), email="absent@example.edu")

    # An hour after the end the worker queues the thank-you with the ask; it reaches only the person who came.
    assert send_due_follow_ups(now=NOW) == 1
    live_server.deliver_mail()
    [thanks] = [m for m in smtp.to("rosa@example.edu") if str(m["Subject"]).startswith("Thank you:")]
    assert not [m for m in smtp.to(absent.email) if str(m["Subject"]).startswith("Thank you:")]
    link = re.search(r"https?://\S+/feedback/\S+", thanks.get_body(("plain",)).get_content()).group(0)
    assert link.startswith(live_server.url)

    # On a phone: the scale is a fieldset with a legend, her focus population is already ticked.
    phone = open_page(width=PHONE["width"])
    phone.goto(link)
    assert phone.locator("h1").inner_text() == "How was it?"
    scale = phone.get_by_role("group", name=re.compile("How useful was this conversation for your work?"))
    assert scale.locator("input[type=radio]").count() == 5
    assert phone.get_by_label("English learners").is_checked()
    assert phone.evaluate(NO_SIDEWAYS_SCROLL)
    # Sending without a score shows the form again with a message, keeping what she typed.
    phone.get_by_label("What will you try in the next two weeks?").fill("Call two families before Friday.")
    with phone.expect_navigation():
        phone.get_by_role("button", name="Send my answers").click()
    assert "Please choose how useful it was" in phone.locator("[data-error-summary]").inner_text()
    assert phone.get_by_label("What will you try in the next two weeks?").input_value().startswith("Call two")
    phone.get_by_label("5 — Very useful").check()
    phone.get_by_label("Newcomer students").check()
    phone.get_by_label("What should we change? (optional)").fill("More time for the last part.")
    with phone.expect_navigation():
        phone.get_by_role("button", name="Send my answers").click()
    assert "Your answers are saved" in phone.locator(".flashes").inner_text()
    assert phone.get_by_label("5 — Very useful").is_checked()
    assert phone.get_by_role("button", name="Save changes").is_visible()

    # The facilitator opens the session in the dashboard and follows its Feedback link.
    desk = open_page(javascript=False)
    sign_in(desk, FACILITATOR)
    desk.goto(f"/dashboard/sessions/{lab.id}")
    desk.get_by_role("navigation", name="This session").get_by_role("link", name="Feedback").click()
    main = desk.locator("main").inner_text()
    assert "1 of 1 person who came answered (100%)" in main
    assert "Average usefulness: 5.0 out of 5" in main
    assert "Rosa Delgado (for English learners, Newcomer students): Call two families before Friday." in main
    assert "Rosa Delgado: More time for the last part." in main
    assert desk.locator("figure.chart svg[role=img]").count() == 1
    assert desk.get_by_role("table", name=re.compile("Answers from 1")).locator("td").all_inner_texts() == [
        "0", "0", "0", "0", "1"]
    with desk.expect_download() as download_info:
        desk.get_by_role("link", name="Download feedback (CSV)").click()
    rows = list(csv.DictReader(io.StringIO(download_info.value.path().read_text(encoding="utf-8-sig"))))
    assert [(r["name"], r["usefulness"], r["commitment"]) for r in rows] == [
        ("Rosa Delgado", "5", "Call two families before Friday.")]
    assert phone.problems.all() + desk.problems.all() == []


@pytest.fixture
def feedback_pages(demo_site) -> dict[str, str]:
    """Paths of every new page, in each state worth checking."""
    lab = _ended("Listening to families", timedelta(hours=3))
    fresh = _came(lab, focus_populations=["newcomers"])
    answered = _came(lab, full_name="Sam Lee")
    submit_feedback(registration_id=answered.id, token=feedback_token(answered.token_salt), usefulness=4,
                    commitment="Visit one family at home.", focus_populations=["newcomers"],
                    suggestion="Shorter introductions.", now=NOW)
    old = _came(_ended("Last month's lab", timedelta(days=20)))
    quiet = _ended("Nobody answered yet", timedelta(hours=5))
    return {"form": _path(fresh), "form-answered": _path(answered), "closed": _path(old),
            "dashboard-feedback": f"/dashboard/sessions/{lab.id}/feedback",
            "dashboard-feedback-empty": f"/dashboard/sessions/{quiet.id}/feedback",
            "reach": "/dashboard/reach", "reach-errors": "/dashboard/reach?starts_on=2026-12-01&ends_on=2026-08-01"}


def test_the_feedback_and_reach_pages_meet_wcag_22_aa_and_are_valid_html(open_page, feedback_pages):
    documents: dict[str, str] = {}
    responses = []

    def check(page, names: list[str], prefix: str = "") -> dict[str, list[str]]:
        page.on("response", lambda r: responses.append(r) if r.request.resource_type == "document" else None)
        found = {}
        for name in names:
            responses.clear()
            page.goto(feedback_pages[name])
            documents[prefix + name] = responses[-1].text()
            found[prefix + name] = axe_violations(page)
        return {name: lines for name, lines in found.items() if lines}

    attendee = open_page(width=PHONE["width"], bypass_csp=True)  # bypass only so axe can be injected
    preload_axe(attendee.context)
    assert check(attendee, ["form", "form-answered", "closed"]) == {}
    # The form showing its errors.
    attendee.goto(feedback_pages["form"])
    responses.clear()
    with attendee.expect_navigation():
        attendee.get_by_role("button", name="Send my answers").press("Enter")
    assert attendee.locator("[data-error-summary]").is_visible()
    documents["form-errors"] = responses[-1].text()
    assert axe_violations(attendee) == []

    admin = open_page(bypass_csp=True)
    preload_axe(admin.context)
    sign_in(admin, ADMIN)
    assert check(admin, ["dashboard-feedback", "dashboard-feedback-empty", "reach", "reach-errors"]) == {}
    assert admin.locator("[data-error-summary]").is_visible()  # reach-errors, the last one
    facilitator = open_page(width=PHONE["width"], bypass_csp=True)
    preload_axe(facilitator.context)
    sign_in(facilitator, FACILITATOR)
    assert check(facilitator, ["dashboard-feedback"], prefix="phone-") == {}
    assert facilitator.evaluate(NO_SIDEWAYS_SCROLL)
    assert html_errors(documents) == []
    assert attendee.problems.all() + admin.problems.all() + facilitator.problems.all() == []
