"""WCAG 2.2 AA (axe-core) and valid HTML (Nu HTML Checker) on sign-in, password reset and every dashboard page."""

from __future__ import annotations

from labapp.core import ERROR_MESSAGES
from tests.browser.helpers import axe_violations, html_errors, preload_axe
from tests.browser.pages import ACCOUNT_PAGES, ADMIN, DASHBOARD_PAGES, FACILITATOR, FACILITATOR_PAGES, sign_in
from tests.browser.tools import PHONE


def _check(page, site, pages, documents: dict[str, str]) -> dict[str, list[str]]:
    """axe's findings per page, and each page's HTML into `documents`.

    Each page is checked to be the one meant: no error page, and every `-errors` state shows its error summary.
    """
    responses = []
    page.on("response", lambda r: responses.append(r) if r.request.resource_type == "document" else None)
    found = {}
    for name, visit in pages.items():
        responses.clear()
        visit(page, site)
        heading = page.locator("h1").first.inner_text()
        assert heading not in {title for title, _ in ERROR_MESSAGES.values()}, f"{name} shows an error: {heading}"
        if name.endswith("-errors") or name == "login-wrong-password":
            assert page.locator("[data-error-summary]").is_visible(), f"{name} shows no error summary"
        documents[name] = responses[-1].text()
        found[name] = axe_violations(page)
    return {name: lines for name, lines in found.items() if lines}


def test_sign_in_password_reset_and_every_dashboard_page_meet_wcag_22_aa_and_are_valid_html(
    open_page, dashboard_site
):
    documents: dict[str, str] = {}
    visitor = open_page(bypass_csp=True)  # only so axe can be injected; CSP is enforced in every other test
    assert _check(visitor, dashboard_site, ACCOUNT_PAGES, documents) == {}
    admin = open_page(bypass_csp=True)
    preload_axe(admin.context)
    sign_in(admin, ADMIN)
    assert _check(admin, dashboard_site, DASHBOARD_PAGES, documents) == {}
    facilitator = open_page(width=PHONE["width"], bypass_csp=True)
    sign_in(facilitator, FACILITATOR)
    assert _check(facilitator, dashboard_site, FACILITATOR_PAGES, documents) == {}
    assert html_errors(documents) == []
    assert visitor.problems.all() + admin.problems.all() + facilitator.problems.all() == []
