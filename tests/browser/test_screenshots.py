"""Screenshots of what people and facilitators see, at phone and desktop widths (saved for docs/screenshots/)."""

from __future__ import annotations

import pytest

from tests.browser.helpers import screenshot
from tests.browser.pages import FACILITATOR, sign_in
from tests.browser.tools import DESKTOP, PHONE

WIDTHS = {"phone": PHONE["width"], "desktop": DESKTOP["width"]}


@pytest.mark.parametrize("device", WIDTHS)
def test_home_session_and_manage_pages_fit_the_screen(open_page, demo_site, device):
    page = open_page(width=WIDTHS[device])
    for name, path in {
        "home": "/",
        "session": f"/sessions/{demo_site.open_slug}",
        "manage": f"/manage/{demo_site.confirmed_token}",
    }.items():
        page.goto(path)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {device} width"
        screenshot(page, f"{name}-{device}")
    assert page.problems.all() == []


@pytest.mark.parametrize("device", WIDTHS)
def test_the_roster_fits_the_screen_with_someone_just_checked_in(open_page, dashboard_site, device):
    page = open_page(width=WIDTHS[device])
    sign_in(page, FACILITATOR)
    page.goto(f"/dashboard/sessions/{dashboard_site.full_id}/roster")
    with page.expect_navigation():
        page.locator(".roster-row").nth(1).get_by_role("button", name="Check in").click()
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the roster scrolls sideways by {overflow}px at {device} width"
    page.evaluate("window.scrollTo(0, 0)")
    page.evaluate("document.activeElement.blur()")  # the picture shows the page, not the focus ring
    screenshot(page, f"roster-{device}")
    assert page.problems.all() == []
