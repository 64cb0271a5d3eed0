"""Screenshots of what people see, at phone and desktop widths (tests/artifacts/, copied to docs/screenshots/)."""

from __future__ import annotations

import pytest

from tests.browser.helpers import screenshot
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
