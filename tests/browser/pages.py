"""Every public page a person can reach, and how to get the browser there (states with errors included)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.browser.conftest import DemoSite

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
    "registered": _go(lambda site: f"/manage/{site.confirmed_token}/registered"),
    "registered-waitlist": _go(lambda site: f"/manage/{site.waitlisted_token}/registered"),
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
