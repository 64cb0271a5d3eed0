"""WCAG 2.2 AA (axe-core) on sign-in, password reset and every dashboard page, signed in as admin and facilitator."""

from __future__ import annotations

from labapp.core import ERROR_MESSAGES
from tests.browser.helpers import axe_violations, preload_axe
from tests.browser.pages import ACCOUNT_PAGES, ADMIN, DASHBOARD_PAGES, FACILITATOR, FACILITATOR_PAGES, sign_in
from tests.browser.tools import PHONE


def _violations(page, site, pages) -> dict[str, list[str]]:  # noqa: ANN001
    """axe's findings per page; each page is checked to be the one meant (no 403/404, errors shown where asked)."""
    found = {}
    for name, visit in pages.items():
        visit(page, site)
        heading = page.locator("h1").first.inner_text()
        assert heading not in {title for title, _ in ERROR_MESSAGES.values()}, f"{name} shows an error: {heading}"
        if name.endswith("-errors") or name == "login-wrong-password":
            assert page.locator("[data-error-summary]").is_visible(), f"{name} shows no error summary"
        found[name] = axe_violations(page)
    return {name: lines for name, lines in found.items() if lines}


def test_sign_in_and_password_reset_pages_meet_wcag_22_aa(open_page, dashboard_site):
    page = open_page(bypass_csp=True)  # only so axe can be injected
    assert _violations(page, dashboard_site, ACCOUNT_PAGES) == {}
    assert page.problems.all() == []


def test_every_dashboard_page_meets_wcag_22_aa(open_page, dashboard_site):
    admin = open_page(bypass_csp=True)
    preload_axe(admin.context)
    sign_in(admin, ADMIN)
    assert _violations(admin, dashboard_site, DASHBOARD_PAGES) == {}
    facilitator = open_page(width=PHONE["width"], bypass_csp=True)
    sign_in(facilitator, FACILITATOR)
    assert _violations(facilitator, dashboard_site, FACILITATOR_PAGES) == {}
    assert admin.problems.all() + facilitator.problems.all() == []
