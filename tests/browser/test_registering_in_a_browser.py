"""An educator finds a session, registers with the keyboard alone, gets the email, and later cancels."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from labapp.registrations.models import Registration, RegistrationStatus
from tests.browser.helpers import focused, tab_to
from tests.browser.pages import register_in_browser
from tests.browser.tools import NOW
from tests.factories import make_lab_session, make_registration

TITLE = "Hearing families first"
FORM_TAB_ORDER = [
    "input:full_name", "input:email", "input:role-0", "input:organisation", "input:focus_populations-0",
    "input:focus_populations-1", "input:focus_populations-2", "input:focus_populations-3",
    "input:focus_populations-4", "input:focus_populations-5", "textarea:accommodations", "textarea:hopes",
    "input:consent",
]


def manage_link(message) -> str:
    match = re.search(r"https?://\S+/manage/[\w-]+", message.get_body(("plain",)).get_content())
    assert match, "the email has no manage link"
    return match.group(0)


def test_educator_registers_by_keyboard_then_cancels_and_the_next_person_gets_the_seat(
    app, live_server, smtp, browser_page
):
    page = browser_page
    lab = make_lab_session(title=TITLE, capacity=2, now=NOW, starts_at=NOW + timedelta(days=6),
                           summary="Listening to families before deciding what to fix.")
    make_registration(lab, now=NOW, full_name="Early Bird", email="early@example.edu")
    live_server.deliver_mail()
    smtp.messages.clear()

    # Find the session on the home page and open it with Enter.
    page.goto("/")
    card = page.locator(".session-card", has_text=TITLE)
    assert "1 seat left" in card.inner_text()
    tab_to(page, f"a:{TITLE}")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/sessions/{lab.slug}")
    assert page.locator("h1").inner_text() == TITLE

    # Fill in the form with Tab, typing and Space only; the tab order follows the visual order.
    stops = [*tab_to(page, "input:full_name")[-1:]]
    page.keyboard.type("Rosa Delgado")
    for expected in FORM_TAB_ORDER[1:]:
        page.keyboard.press("Tab")
        stops.append(focused(page))
        if expected == "input:email":
            page.keyboard.type("Rosa.Delgado@Example.EDU")
        elif expected == "input:role-0":
            page.keyboard.press("ArrowDown")  # radios: arrows choose within the group
            assert focused(page) == "input:role-1=instructional_coach"
        elif expected == "input:organisation":
            page.keyboard.type("Riverside Elementary")
        elif expected == "input:focus_populations-0":
            page.keyboard.press("Space")
        elif expected == "textarea:hopes":
            page.keyboard.type("Ways to hear from families who never come to school events.")
        elif expected == "input:consent":
            page.keyboard.press("Space")
    assert [stop.split("=")[0] for stop in stops] == FORM_TAB_ORDER
    tab_to(page, "button:Register")
    page.keyboard.press("Enter")

    # The confirmation page.
    page.wait_for_url(f"**/sessions/{lab.slug}/registered")
    assert page.locator("h1").inner_text() == "You're confirmed"
    assert "You're confirmed for this session." in page.locator("[role=status]").inner_text()
    assert "Rosa.Delgado@example.edu" in page.locator("main").inner_text()
    assert "Riverside Elementary" in page.locator(".typed").last.inner_text()
    # The browser that typed the address gets no manage link: that goes only to the inbox.
    assert "/manage/" not in page.content()
    assert page.get_by_role("link", name="Add to Google Calendar").count() == 1

    # The worker delivers the confirmation over SMTP; its manage link opens the person's page.
    assert live_server.deliver_mail().sent == 1
    (confirmation,) = smtp.to("Rosa.Delgado@example.edu")
    assert str(confirmation["Subject"]).startswith(f"Confirmed: {TITLE} — ")
    invites = [part for part in confirmation.walk() if part.get_content_type() == "text/calendar"]
    assert len(invites) == 1 and "METHOD:REQUEST" in invites[0].get_content()
    link = manage_link(confirmation)
    assert link.startswith(live_server.url)
    page.goto(link)
    assert page.locator("h1").inner_text() == "Your registration"
    assert "You're confirmed for this session." in page.locator("main").inner_text()
    assert page.locator("#full_name").input_value() == "Rosa Delgado"
    assert page.locator("#role-1").is_checked()

    # Meanwhile the session fills up and someone joins the waitlist.
    waiting = make_registration(lab, now=NOW, full_name="Wen Waiting", email="wen@example.edu")
    assert waiting.status == RegistrationStatus.WAITLISTED
    live_server.deliver_mail()

    # Cancel: the link asks first, the button cancels.
    tab_to(page, "a:Cancel my registration")
    page.keyboard.press("Enter")
    page.wait_for_url("**/cancel")
    assert page.locator("h1").inner_text() == "Cancel your registration?"
    assert "Your seat will go to the first person on the waitlist." in page.locator("main").inner_text()
    tab_to(page, "button:Yes, cancel my registration")
    page.keyboard.press("Enter")
    page.wait_for_url(link)
    assert "Your registration is cancelled" in page.locator("[role=status]").first.inner_text()
    assert "This registration is cancelled." in page.locator("main").inner_text()

    # Both people hear about it by email.
    live_server.deliver_mail()
    assert [str(m["Subject"]).split(":")[0] for m in smtp.to("Rosa.Delgado@example.edu")] == ["Confirmed", "Cancelled"]
    promoted = smtp.to("wen@example.edu")[-1]
    assert str(promoted["Subject"]).startswith(f"You're in: {TITLE} — ")
    assert manage_link(promoted).startswith(live_server.url)
    from labapp.db import db

    db.session.expire_all()
    assert db.session.get(Registration, waiting.id).status == RegistrationStatus.CONFIRMED
    assert page.problems.all() == []


@pytest.mark.parametrize("width", [320, 375])
def test_the_pages_after_registering_fit_a_phone_with_a_long_address(open_page, demo_site, width):
    page = open_page(width=width)
    address = "jordan.okafor.1796286385.abc@example.edu"
    assert len(address) == 40
    results = {
        "confirmed": (demo_site.open_slug, "You're confirmed"),
        "waitlisted": (demo_site.full_slug, "on the waitlist"),
        "check-your-email": (demo_site.open_slug, "Check your email"),  # the same address again
    }
    for name, (slug, heading) in results.items():
        register_in_browser(page, slug, email=address)
        assert heading in page.locator("h1").inner_text(), name
        assert address in page.locator("main").inner_text(), name
        sizes = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert sizes[0] <= sizes[1], f"the {name} page is {sizes[0]} px wide at {sizes[1]} px"
    assert page.problems.all() == []
