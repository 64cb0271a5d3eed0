"""Every email's HTML, opened in Chromium at phone widths, fits the screen: nothing scrolls sideways."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.helpers import html_errors
from tests.factories import now_utc
from tests.mail.every_email import LONG_ADDRESS, TITLE, every_email

# The narrowest phones in use (320 px: iPhone SE 1st gen, small Androids) and the most common (375 px).
PHONE_WIDTHS = (320, 375)


@pytest.mark.parametrize("width", PHONE_WIDTHS)
def test_every_email_fits_a_phone_screen_without_scrolling_sideways(app, smtp, browser: Any, width: int):
    emails = every_email(smtp, now=now_utc())
    # Mail apps run no scripts and load nothing we did not send; the check itself runs in the page.
    context = browser.new_context(viewport={"width": width, "height": 700}, locale="en-US")
    requested: list[str] = []
    context.route("**/*", lambda route: (requested.append(route.request.url), route.abort()))
    page = context.new_page()
    too_wide = {}
    try:
        for kind, message in emails.items():
            html = message.get_body(("html",)).get_content()
            page.set_content(html)
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            if scroll_width > width:
                too_wide[kind] = scroll_width
            # The worst-case content is really there, wrapped rather than cut off.
            if kind.startswith("registration_") and kind != "registration_certificate":
                assert TITLE.split(":")[0] in page.inner_text("body"), kind
    finally:
        context.close()
    assert too_wide == {}, f"wider than {width} px: {too_wide}"
    assert requested == []
    assert LONG_ADDRESS in str(emails["reminder"]["To"])


def test_every_email_is_valid_html(app, smtp):
    # Mail apps are less forgiving than browsers; the Nu HTML Checker holds the emails to the standard.
    emails = every_email(smtp, now=now_utc())
    assert html_errors({kind: message.get_body(("html",)).get_content() for kind, message in emails.items()}) == []
