"""Every public page a person can reach, and how to get the browser there (states with errors included)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.browser.conftest import DashboardSite, DemoSite

Visit = Callable[[Any, DemoSite], None]


def _submit(page: Any, button: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=button).press("Enter")


def _register_with_nothing_filled_in(page: Any, site: DemoSite) -> None:
    page.goto(f"/sessions/{site.open_slug}")
    _submit(page, "Register")


def _resend_with_nothing_filled_in(page: Any, site: DemoSite) -> None:
    page.goto(f"/sessions/{site.open_slug}/resend-link")
    _submit(page, "Email me my link")


def _manage_with_the_name_erased(page: Any, site: DemoSite) -> None:
    page.goto(f"/manage/{site.confirmed_token}")
    page.locator("#full_name").fill("")
    _submit(page, "Save changes")


def _manage_after_cancelling(page: Any, site: DemoSite) -> None:
    page.goto(f"/manage/{site.waitlisted_token}/cancel")
    _submit(page, "Yes, cancel my registration")


def _record_request_with_nothing_filled_in(page: Any, site: DemoSite) -> None:
    page.goto("/my-record")
    _submit(page, "Email me my record")


def register_in_browser(page: Any, slug: str, *, email: str, full_name: str = "Jordan Okafor") -> None:
    """Fill in the session page's form with the required fields and send it (ends on the page after registering)."""
    page.goto(f"/sessions/{slug}")
    page.locator("#full_name").fill(full_name)
    page.locator("#email").fill(email)
    page.locator("#role-0").check()
    page.locator("#organisation").fill("Riverside Elementary")
    page.locator("#consent").check()
    with page.expect_navigation():
        page.locator("#register button[type=submit]").press("Enter")


def _registered(slug: Callable[[DemoSite], str], email: str, *, times: int = 1) -> Visit:
    def visit(page: Any, site: DemoSite) -> None:
        for _ in range(times):
            register_in_browser(page, slug(site), email=email)
    return visit


def _result_page_in_another_browser(page: Any, site: DemoSite) -> None:
    page.context.clear_cookies()  # what any other browser sees: no receipt
    page.goto(f"/sessions/{site.open_slug}/registered")


def _go(path: Callable[[DemoSite], str]) -> Visit:
    return lambda page, site: page.goto(path(site))


PUBLIC_PAGES: dict[str, Visit] = {
    "home": _go(lambda site: "/"),
    "session": _go(lambda site: f"/sessions/{site.open_slug}"),
    "session-full": _go(lambda site: f"/sessions/{site.full_slug}"),
    "session-form-errors": _register_with_nothing_filled_in,
    "protocol": _go(lambda site: "/protocol"),
    "check-your-email": _go(lambda site: f"/sessions/{site.open_slug}/check-your-email"),
    "resend-link": _go(lambda site: f"/sessions/{site.open_slug}/resend-link"),
    "resend-link-errors": _resend_with_nothing_filled_in,
    "registered": _registered(lambda site: site.open_slug, "new.reader@example.edu"),
    "registered-waitlist": _registered(lambda site: site.full_slug, "waiting.reader@example.edu"),
    "registered-again": _registered(lambda site: site.open_slug, "twice.reader@example.edu", times=2),
    "registered-expired": _result_page_in_another_browser,
    "manage": _go(lambda site: f"/manage/{site.confirmed_token}"),
    "manage-waitlist": _go(lambda site: f"/manage/{site.waitlisted_token}"),
    "manage-form-errors": _manage_with_the_name_erased,
    "cancel": _go(lambda site: f"/manage/{site.confirmed_token}/cancel"),
    "cancelled": _manage_after_cancelling,
    "not-found": _go(lambda site: "/no-such-page"),
    "privacy": _go(lambda site: "/privacy"),
    "delete-my-data": _go(lambda site: f"/manage/{site.confirmed_token}/delete"),
    "take-seat": _go(lambda site: f"/manage/{site.waitlisted_token}/take-seat"),
    "my-record": _go(lambda site: "/my-record"),
    "my-record-errors": _record_request_with_nothing_filled_in,
    "my-record-sent": _go(lambda site: "/my-record/sent"),
}


# ---- Sign-in and the dashboard -------------------------------------------------------------------------------

ADMIN = ("admin@example.org", "conversation-admin")
FACILITATOR = ("facilitator@example.org", "conversation-lab")

DashboardVisit = Callable[[Any, DashboardSite], None]


def sign_in(page: Any, who: tuple[str, str]) -> None:
    """Sign in through the real form; the page's browser context keeps the session cookie."""
    page.goto("/account/login")
    page.locator("#email").fill(who[0])
    page.locator("#password").fill(who[1])
    _submit(page, "Sign in")
    assert page.url.rstrip("/").endswith("/dashboard"), f"signing in as {who[0]} failed: {page.url}"


def _in(path: Callable[[DashboardSite], str]) -> DashboardVisit:
    return lambda page, site: page.goto(path(site))


def _send(path: Callable[[DashboardSite], str], button: str, **typed: str) -> DashboardVisit:
    """Open the page, type into the fields (by id) and send the form; with nothing typed: its error state."""
    def visit(page: Any, site: DashboardSite) -> None:
        page.goto(path(site))
        for field_id, text in typed.items():
            page.locator(f"#{field_id}").fill(text)
        _submit(page, button)
    return visit


def _agenda_with_nothing_chosen(page: Any, site: DashboardSite) -> None:
    page.goto(f"/dashboard/sessions/{site.full_id}/agenda")
    for select in page.locator("select[id$='component_id']").all():
        select.select_option("")
    _submit(page, "Save the agenda")


# Signed out: sign-in and password reset, with their error states.
ACCOUNT_PAGES: dict[str, DashboardVisit] = {
    "login": _in(lambda site: "/account/login"),
    "login-errors": _send(lambda site: "/account/login", "Sign in"),
    "login-wrong-password": _send(lambda site: "/account/login", "Sign in", email=FACILITATOR[0],
                                  password="not the password"),
    "reset-request": _in(lambda site: "/account/reset"),
    "reset-request-errors": _send(lambda site: "/account/reset", "Send the link"),
    "reset-sent": _send(lambda site: "/account/reset", "Send the link", email=FACILITATOR[0]),
    "reset": _in(lambda site: f"/account/reset/{site.reset_token}"),
    "reset-errors": _send(lambda site: f"/account/reset/{site.reset_token}", "Save the new password",
                          password="a long new password", confirm="another long password"),
    "reset-invalid": _in(lambda site: "/account/reset/not-a-real-token"),
}

# Signed in as the admin (who sees every page); FACILITATOR_PAGES are the ones that differ for a facilitator.
DASHBOARD_PAGES: dict[str, DashboardVisit] = {
    "overview": _in(lambda site: "/dashboard"),
    "account": _in(lambda site: "/account/"),
    "session-new": _in(lambda site: "/dashboard/sessions/new"),
    "session-new-errors": _send(lambda site: "/dashboard/sessions/new", "Create draft"),
    "session-edit": _in(lambda site: f"/dashboard/sessions/{site.open_id}/edit"),
    "session-edit-errors": _send(lambda site: f"/dashboard/sessions/{site.open_id}/edit", "Save changes",
                                 title="", join_url="http://not-private.example.org"),
    "session-detail": _in(lambda site: f"/dashboard/sessions/{site.full_id}"),
    "session-cancel": _in(lambda site: f"/dashboard/sessions/{site.full_id}/cancel"),
    "roster": _in(lambda site: f"/dashboard/sessions/{site.full_id}/roster"),
    "roster-waitlisted": _in(lambda site: f"/dashboard/sessions/{site.full_id}/roster?tab=waitlisted"),
    "roster-cancelled": _in(lambda site: f"/dashboard/sessions/{site.full_id}/roster?tab=cancelled"),
    "roster-search": _in(lambda site: f"/dashboard/sessions/{site.full_id}/roster?q=nobody&sort=name"),
    "room": _in(lambda site: f"/dashboard/sessions/{site.full_id}/room"),
    "messages": _in(lambda site: f"/dashboard/sessions/{site.full_id}/messages"),
    "message-compose": _in(lambda site: f"/dashboard/sessions/{site.full_id}/messages/new"),
    "message-compose-errors": _send(lambda site: f"/dashboard/sessions/{site.full_id}/messages/new", "Preview"),
    "message-preview": _send(lambda site: f"/dashboard/sessions/{site.full_id}/messages/new", "Preview",
                             subject="Bring a story", body="Please bring one story.\n\nSee you soon."),
    "message-detail": _in(lambda site: f"/dashboard/sessions/{site.full_id}/messages/{site.message_id}"),
    "users": _in(lambda site: "/dashboard/users"),
    "users-errors": _send(lambda site: "/dashboard/users", "Create account"),
    "outbox": _in(lambda site: "/dashboard/outbox?status=pending"),
    "outbox-failed": _in(lambda site: "/dashboard/outbox"),
    "protocol-admin": _in(lambda site: "/dashboard/protocol"),
    "protocol-add": _in(lambda site: "/dashboard/protocol/new"),
    "protocol-edit": _in(lambda site: f"/dashboard/protocol/{site.component_id}/edit"),
    "protocol-add-errors": _send(lambda site: "/dashboard/protocol/new", "Add"),
    "agenda": _in(lambda site: f"/dashboard/sessions/{site.full_id}/agenda"),
    "agenda-errors": _agenda_with_nothing_chosen,
}

FACILITATOR_PAGES: dict[str, DashboardVisit] = {
    "facilitator-overview": DASHBOARD_PAGES["overview"],
    "facilitator-session-new-errors": DASHBOARD_PAGES["session-new-errors"],
    "facilitator-roster": DASHBOARD_PAGES["roster"],
}
