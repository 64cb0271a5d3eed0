"""A facilitator signs in, publishes a session, checks someone in, exports the roster and writes to attendees.

The facilitator's browser has JavaScript turned off: the dashboard must work without it.
"""

from __future__ import annotations

import csv
import io

from sqlalchemy import select

from labapp.db import db
from labapp.registrations.models import Registration
from labapp.sessions.models import LabSession
from tests.browser.helpers import focused, tab_to
from tests.browser.pages import FACILITATOR, sign_in
from tests.browser.tools import NOW, PHONE

TITLE = "Hearing students who rarely speak up"


def _press(page, button: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=button).click()


def _flash(page) -> str:
    return " ".join(page.locator("[role=status]").first.inner_text().split())


def test_facilitator_publishes_checks_in_exports_and_messages_attendees(
    app, live_server, smtp, open_page, demo_site
):
    live_server.deliver_mail()  # the demo people's confirmations, out of the way
    smtp.messages.clear()
    desk = open_page(javascript=False)
    sign_in(desk, FACILITATOR)
    assert desk.locator("h1").inner_text() == "Dashboard"

    # Create a draft, then publish it.
    with desk.expect_navigation():
        desk.get_by_role("link", name="New session").click()
    desk.locator("#title").fill(TITLE)
    desk.locator("#summary").fill("Quiet students, loud signals: what are we missing?")
    desk.locator("#starts_at").fill("2026-12-03T16:00")
    desk.locator("#timezone").select_option("America/Chicago")
    desk.locator("#duration_minutes").fill("60")
    desk.locator("#capacity").fill("8")
    desk.locator("#join_url").fill("https://meet.example.org/quiet-students")
    _press(desk, "Create draft")
    assert "Session created as a draft." in _flash(desk)
    assert desk.locator("h1").inner_text().startswith(TITLE)
    _press(desk, "Publish")
    assert _flash(desk) == "The session is published."
    lab_id = int(desk.url.rstrip("/").split("/")[-1])

    # It is on the public home page, with its local time; someone registers there.
    visitor = open_page(width=PHONE["width"])
    visitor.goto("/")
    card = visitor.locator(".session-card", has_text=TITLE)
    assert "Thu, Dec 3 · 4:00–5:00 PM CST" in card.inner_text() and "8 seats left" in card.inner_text()
    with visitor.expect_navigation():
        card.get_by_role("link", name=TITLE).click()
    visitor.locator("#full_name").fill("Rosa Delgado")
    visitor.locator("#email").fill("rosa@example.edu")
    visitor.locator("#role-0").check()
    visitor.locator("#organisation").fill("Riverside Elementary")
    visitor.locator("#consent").check()
    _press(visitor, "Register")
    assert visitor.locator("h1").inner_text() == "You're confirmed"
    assert live_server.deliver_mail().sent == 1
    (confirmation,) = smtp.to("rosa@example.edu")
    assert str(confirmation["Subject"]).startswith(f"Confirmed: {TITLE} — ")

    # The roster: one tap checks her in, without JavaScript; the outcome is announced in her row.
    with desk.expect_navigation():
        desk.get_by_role("link", name="Roster").click()
    row = desk.locator(".roster-row", has_text="Rosa Delgado")
    assert "Riverside Elementary" in row.inner_text()
    with desk.expect_navigation():
        row.get_by_role("button", name="Check in").click()
    status = desk.locator(".roster-row", has_text="Rosa Delgado").locator("[role=status]")
    assert " ".join(status.inner_text().split()) == "Rosa Delgado is checked in."
    assert desk.evaluate("document.activeElement.getAttribute('role')") == "status", "focus moves to the outcome"
    assert desk.locator(".flashes").count() == 0, "announced once, in the row, not also at the top"
    desk.keyboard.press("Tab")
    assert focused(desk) == "button:✓ Here — undo"
    db.session.expire_all()
    rosa = db.session.scalars(select(Registration).where(Registration.email == "rosa@example.edu")).one()
    assert rosa.checked_in_at == NOW

    # Export the roster as CSV: a real download, parsed.
    with desk.expect_download() as download_info:
        desk.get_by_role("link", name="Export CSV").click()
    download = download_info.value
    lab = db.session.get(LabSession, lab_id)
    assert download.suggested_filename == f"{lab.slug}-registrations.csv"
    rows = list(csv.DictReader(io.StringIO(download.path().read_text(encoding="utf-8-sig"))))
    assert [(r["full_name"], r["email"], r["status"], r["session_title"]) for r in rows] == [
        ("Rosa Delgado", "rosa@example.edu", "confirmed", TITLE)]
    assert rows[0]["checked_in_at"].startswith("2026-11-24")

    # Write to attendees: preview first (who gets it), then send; the worker delivers it.
    with desk.expect_navigation():
        desk.get_by_role("link", name="Messages").click()
    with desk.expect_navigation():
        desk.get_by_role("link", name="Write to attendees").click()
    desk.locator("#subject").fill("Bring one story")
    desk.locator("#body").fill("Please bring one story about a student who rarely speaks up.\n\nSee you Thursday.")
    _press(desk, "Preview")
    preview = " ".join(desk.locator(".preview").inner_text().split())
    assert "This goes to 1 person (everyone with a seat): Rosa." in preview
    assert "Subject: Bring one story — " + TITLE in preview
    assert smtp.to("rosa@example.edu") == [confirmation], "nothing is sent by the preview"
    _press(desk, "Send to 1 person")
    assert _flash(desk) == "Message queued for 1 person."
    assert live_server.deliver_mail().sent == 1
    message = smtp.to("rosa@example.edu")[-1]
    assert str(message["Subject"]).startswith("Bring one story")
    text = message.get_body(("plain",)).get_content()
    assert "Hello Rosa," in text and "rarely speaks up" in text
    assert f"{live_server.url}/manage/" in text
    assert desk.problems.all() + visitor.problems.all() == []


def test_check_in_button_is_reached_and_pressed_by_keyboard_with_visible_focus(open_page, dashboard_site):
    page = open_page(width=PHONE["width"])
    sign_in(page, FACILITATOR)
    page.goto(f"/dashboard/sessions/{dashboard_site.full_id}/roster")
    first = page.locator(".roster-row").first
    name = first.locator(".who-name").inner_text()
    stops = tab_to(page, "button:Check in")
    assert stops[0] == "a:Skip to main content"
    style = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert style != "none", "the focused check-in button shows where focus is"
    box = page.evaluate("() => document.activeElement.getBoundingClientRect().toJSON()")
    assert box["height"] >= 44 and box["width"] >= 44, "a target big enough to tap"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert _flash(page) == f"{name} is checked in."
    assert page.evaluate("document.activeElement.hasAttribute('data-row-status')")
    page.keyboard.press("Tab")
    assert focused(page) == "button:✓ Here — undo"
    with page.expect_navigation():
        page.keyboard.press("Space")
    assert _flash(page) == f"Check-in undone for {name}."
    page.keyboard.press("Tab")
    assert focused(page) == "button:Check in"
    assert page.problems.all() == []
