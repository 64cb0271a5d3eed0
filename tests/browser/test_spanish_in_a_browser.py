"""The public pages in Spanish in a real browser: axe finds nothing, and the language switch works by keyboard."""

from __future__ import annotations

from tests.browser.helpers import axe_violations, focused, html_errors, tab_to

FOCUS_RING = """() => {
  const style = getComputedStyle(document.activeElement);
  return style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
}"""


def test_spanish_public_pages_meet_wcag_22_aa_and_are_valid_html(open_page, demo_site):
    page = open_page(bypass_csp=True)  # only so axe can be injected
    page.goto("/?lang=es")  # the choice is remembered for every page after it
    documents: dict[str, str] = {}
    violations = {}
    for name, path in {
        "home": "/",
        "session": f"/sessions/{demo_site.open_slug}",
        "manage": f"/manage/{demo_site.confirmed_token}",
        "manage-waitlist": f"/manage/{demo_site.waitlisted_token}",
        "cancel": f"/manage/{demo_site.confirmed_token}/cancel",
        "take-seat": f"/manage/{demo_site.waitlisted_token}/take-seat",
        "delete-my-data": f"/manage/{demo_site.confirmed_token}/delete",
        "privacy": "/privacy",
        "my-record": "/my-record",
        "not-found": "/no-such-page",
    }.items():
        response = page.goto(path)
        documents[name] = response.text()
        assert page.evaluate("document.documentElement.lang") == "es", name
        violations[name] = axe_violations(page)
    assert {name: found for name, found in violations.items() if found} == {}
    assert html_errors(documents) == []
    assert page.problems.all() == []
    page.goto(f"/manage/{demo_site.confirmed_token}")
    assert page.get_by_role("heading", level=1).inner_text() == "Tu inscripción"
    assert page.get_by_role("link", name="Borrar mis datos").is_visible()


def test_the_language_switch_works_with_the_keyboard_and_is_announced(browser_page, demo_site):
    page = browser_page
    page.goto(f"/sessions/{demo_site.open_slug}")
    switch = page.get_by_role("navigation", name="Language")
    assert switch.get_by_role("link", name="English").get_attribute("aria-current") == "true"
    assert switch.get_by_role("link", name="Español").get_attribute("hreflang") == "es"
    stops = tab_to(page, "a:Español")
    assert stops.index("a:Skip to main content") < stops.index("a:English") < stops.index("a:Español")
    assert page.evaluate(FOCUS_RING), "the focused switch link shows a focus ring"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.evaluate("document.documentElement.lang") == "es"
    assert page.url.endswith(f"/sessions/{demo_site.open_slug}?lang=es"), "the same page, in Spanish"
    switch = page.get_by_role("navigation", name="Idioma")
    assert switch.get_by_role("link", name="Español").get_attribute("aria-current") == "true"
    assert page.get_by_role("link", name="Saltar al contenido principal").count() == 1
    # Remembered: the next page, opened without ?lang=, is Spanish as well.
    page.goto(f"/manage/{demo_site.confirmed_token}")
    assert page.evaluate("document.documentElement.lang") == "es"
    assert page.get_by_role("heading", level=1).inner_text() == "Tu inscripción"
    tab_to(page, "a:English")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text() == "Your registration"
    assert focused(page) == "body"  # a new page: focus starts again at the top
    assert page.problems.all() == []
