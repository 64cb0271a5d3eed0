"""WCAG 2.2 AA on every public page (axe-core), valid HTML (Nu HTML Checker), and keyboard use."""

from __future__ import annotations

from tests.browser.helpers import axe_violations, focused, html_errors, tab_to
from tests.browser.pages import PUBLIC_PAGES
from tests.browser.tools import PHONE


def test_every_public_page_meets_wcag_22_aa_and_is_valid_html(open_page, demo_site):
    page = open_page(bypass_csp=True)  # only so axe can be injected; CSP is enforced in every other test
    documents: dict[str, str] = {}
    responses = []
    page.on("response", lambda r: responses.append(r) if r.request.resource_type == "document" else None)
    violations = {}
    for name, visit in PUBLIC_PAGES.items():
        responses.clear()
        visit(page, demo_site)
        documents[name] = responses[-1].text()
        violations[name] = axe_violations(page)
    assert {name: found for name, found in violations.items() if found} == {}
    assert html_errors(documents) == []
    assert page.problems.all() == []

def test_the_phone_layout_meets_wcag_22_aa_too(open_page, demo_site):
    page = open_page(width=PHONE["width"], bypass_csp=True)
    violations = {}
    for name in ("home", "session", "session-form-errors", "manage"):
        PUBLIC_PAGES[name](page, demo_site)
        violations[name] = axe_violations(page)
    assert {name: found for name, found in violations.items() if found} == {}


FOCUS_STYLE = """() => {
  const style = getComputedStyle(document.activeElement);
  return {outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2, shadow: style.boxShadow};
}"""

SEEN_BEFORE = """() => {
  const el = document.activeElement, seen = el.dataset.seenByTest === "yes";
  el.dataset.seenByTest = "yes";
  return seen;
}"""


def test_skip_link_comes_first_shows_itself_and_jumps_to_the_content(browser_page, demo_site):
    page = browser_page
    page.goto("/")
    page.keyboard.press("Tab")
    assert focused(page) == "a:Skip to main content"
    box = page.locator(".skip-link").bounding_box()
    assert box["x"] >= 0 and box["y"] >= 0 and box["width"] > 50, "the focused skip link is on screen"
    page.keyboard.press("Enter")
    assert focused(page) == "main:main"
    page.keyboard.press("Tab")
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)")


def test_every_stop_on_the_session_page_shows_focus_and_tabbing_comes_back_round(browser_page, demo_site):
    page = browser_page
    page.goto(f"/sessions/{demo_site.open_slug}")
    stops = []
    for _ in range(80):
        page.keyboard.press("Tab")
        stop = focused(page)
        if stop == "body" or (stops and stop == stops[0]):
            break  # out of the page and back: no keyboard trap
        assert page.evaluate(FOCUS_STYLE)["outline"], f"{stop} has no visible focus indicator"
        assert not page.evaluate(SEEN_BEFORE), f"Tab reached {stop} twice"
        stops.append(stop)
    else:
        raise AssertionError(f"Tab never left the page: {stops[-10:]}")
    assert stops[0] == "a:Skip to main content"
    assert stops.index("input:full_name") < stops.index("input:email") < stops.index("button:Register")


def test_error_summary_takes_focus_is_announced_and_links_to_each_field(browser_page, demo_site):
    page = browser_page
    page.goto(f"/sessions/{demo_site.open_slug}")
    tab_to(page, "button:Register")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    summary = page.locator("[data-error-summary]")
    assert summary.get_attribute("role") == "alert"
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    text = summary.inner_text()
    for message in ("Please enter your name.", "Please enter your email address.",
                    "Please choose the role closest to yours.", "Please tell us your school or organization."):
        assert message in text
    page.keyboard.press("Tab")
    assert focused(page) == "a:Please enter your name."
    page.keyboard.press("Enter")
    assert focused(page) == "input:full_name"
    assert page.locator("#full_name").get_attribute("aria-invalid") == "true"
    assert " ".join(page.locator("#full_name-error").text_content().split()) == "Error: Please enter your name."
