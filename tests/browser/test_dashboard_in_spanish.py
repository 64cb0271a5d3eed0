"""A facilitator chooses Español on their account page: the dashboard speaks it and stays accessible."""

from __future__ import annotations

from tests.browser.helpers import axe_violations, html_errors
from tests.browser.pages import FACILITATOR, sign_in


def test_a_facilitator_switches_the_dashboard_to_spanish_and_it_meets_wcag_22_aa(open_page, demo_site):
    page = open_page(bypass_csp=True)  # only so axe can be injected; CSP is enforced in every other test
    documents: dict[str, str] = {}
    sign_in(page, FACILITATOR)
    page.goto("/account/")
    page.get_by_role("radio", name="Español").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Save the language").press("Enter")
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.get_by_role("status").inner_text().strip() == "Guardamos tu idioma."
    assert page.get_by_role("radio", name="Español").is_checked()
    documents["account-es"] = page.content()
    assert axe_violations(page) == []

    response = page.goto("/dashboard")
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.get_by_role("heading", level=1).inner_text() == "Panel"
    assert page.get_by_role("heading", name="Próximas sesiones").is_visible()
    documents["overview-es"] = response.text()
    assert axe_violations(page) == []
    assert html_errors(documents) == []
    assert page.problems.all() == []
