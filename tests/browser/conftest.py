"""Browser fixtures: the real app on a loopback port, one Chromium for the whole run, a page per test.

- `live_server`: the test's `app` served by werkzeug in a background thread (SQLite file, CSRF on,
  a fixed clock). `live_server.deliver_mail()` runs the worker's delivery instead of sleeping.
- `browser`: one headless Debian Chromium per test session (never a downloaded browser).
- `open_page(width=..., bypass_csp=..., javascript=...)`: a fresh context + page aimed at the live server.
- `browser_page`: `open_page()` at desktop width.

Without Chromium (or without the npm tools) these tests skip with a one-line reason;
with REQUIRE_BROWSER=1 (CI) they fail instead.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pytest
from flask import Flask
from flask.globals import app_ctx
from werkzeug.serving import make_server

from config import url_settings
from labapp.mail.deliver import DeliveryReport, deliver_pending
from tests.browser.tools import CHROMIUM, CHROMIUM_ARGS, DESKTOP, NOW, PHONE, missing


@pytest.fixture
def backend() -> str:
    """Browser tests run on one SQLite file: the database rules are proven on both backends elsewhere."""
    return "sqlite"


@pytest.fixture
def app_config() -> dict:
    """A real browser submits real forms: CSRF on, and one fixed instant for the whole test."""
    return {"WTF_CSRF_ENABLED": True, "CLOCK": lambda: NOW}


@dataclass
class LiveServer:
    """The app on http://127.0.0.1:<port>; `errors` holds any exception a request raised."""

    app: Flask
    url: str
    errors: list[BaseException] = field(default_factory=list)

    def deliver_mail(self, now: datetime | None = None) -> DeliveryReport:
        """Run the worker's delivery pass once (what `worker` does every few seconds)."""
        return deliver_pending(now=now or self.app.config["CLOCK"]())


@pytest.fixture
def live_server(app: Flask) -> Iterator[LiveServer]:
    """Serve the test's app on a free loopback port in a background thread."""
    errors: list[BaseException] = []
    inner = app.wsgi_app

    def recording_wsgi_app(environ: dict, start_response: Callable) -> Any:
        try:
            return inner(environ, start_response)
        except BaseException as error:  # recorded, re-raised, and failed on below
            errors.append(error)
            raise

    server = make_server("127.0.0.1", 0, recording_wsgi_app, threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    # Links in emails open on this server: BASE_URL and the router's settings derived from it, and the
    # URL adapter of the app context the `app` fixture pushed before this port was known.
    app.config.update(BASE_URL=url, **url_settings(url))
    app_ctx.url_adapter = app.create_url_adapter(None)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    live = LiveServer(app=app, url=url, errors=errors)
    yield live
    server.shutdown()
    thread.join(timeout=5)
    server.server_close()
    if errors:
        pytest.fail(f"the server raised during the test: {errors[0]!r}")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the whole test session."""
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        missing(f"Chromium at {CHROMIUM}", "apt-get install chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("Playwright for Python", "pip install -r requirements-dev.txt")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class PageProblems:
    """What the browser complained about: console errors, uncaught script errors, failed subresources."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)

    def all(self) -> list[str]:
        return self.console_errors + self.page_errors + self.failed_requests

    def on_console(self, message: Any) -> None:
        # A page answered with 400/404 is still a page; failed stylesheets, scripts, icons are caught below.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.console_errors.append(message.text)

    def on_response(self, response: Any) -> None:
        if response.status >= 400 and response.request.resource_type != "document":
            self.failed_requests.append(f"{response.status} {response.url}")


@pytest.fixture
def open_page(browser: Any, live_server: LiveServer) -> Iterator[Callable[..., Any]]:
    """A new browser context and page on the live server: `open_page(width=390, bypass_csp=False, javascript=True)`."""
    contexts = []

    def _open(*, width: int = DESKTOP["width"], height: int | None = None, bypass_csp: bool = False,
              javascript: bool = True) -> Any:
        viewport = {"width": width, "height": height or (PHONE if width <= PHONE["width"] else DESKTOP)["height"]}
        context = browser.new_context(
            base_url=live_server.url, viewport=viewport, bypass_csp=bypass_csp, java_script_enabled=javascript,
            locale="en-US", timezone_id="America/New_York", reduced_motion="reduce",
        )
        context.set_default_timeout(5000)
        contexts.append(context)
        page = context.new_page()
        problems = PageProblems()
        page.on("console", problems.on_console)
        page.on("pageerror", lambda error: problems.page_errors.append(str(error)))
        page.on("response", problems.on_response)
        page.problems = problems
        return page

    yield _open
    for context in contexts:
        context.close()


@pytest.fixture
def browser_page(open_page: Callable[..., Any]) -> Any:
    """A page at desktop width, CSP enforced as in production; `.problems` lists console errors."""
    return open_page()


@dataclass
class DemoSite:
    """`demo load` data at NOW: an open session, a full one with a waitlist, and two people's manage links."""

    open_slug: str
    full_slug: str
    confirmed_token: str
    waitlisted_token: str


@pytest.fixture
def demo_site(app: Flask) -> DemoSite:
    """The demo data `make run` shows, loaded through the real CLI."""
    from sqlalchemy import select

    from labapp.db import db
    from labapp.registrations.links import manage_token
    from labapp.registrations.models import Registration, RegistrationStatus
    from labapp.sessions.models import LabSession

    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    full_slug = "demo-prioritising-underserved-students"
    full = db.session.scalars(select(LabSession).where(LabSession.slug == full_slug)).one()

    def first(status: RegistrationStatus) -> Registration:
        return db.session.scalars(
            select(Registration).where(Registration.lab_session_id == full.id, Registration.status == status)
            .order_by(Registration.id)
        ).first()

    return DemoSite(
        open_slug="demo-listening-with-empathy",
        full_slug=full.slug,
        confirmed_token=manage_token(first(RegistrationStatus.CONFIRMED)),
        waitlisted_token=manage_token(first(RegistrationStatus.WAITLISTED)),
    )


@dataclass
class DashboardSite:
    """`demo load` plus what the dashboard pages need: IDs to open, a sent message, a failed email, a reset link."""

    demo: DemoSite
    full_id: int
    open_id: int
    component_id: int
    message_id: int
    reset_token: str


@pytest.fixture
def dashboard_site(app: Flask, demo_site: DemoSite) -> DashboardSite:
    """The demo site with a message sent to the full session, one email failed, and a live password-reset link."""
    from sqlalchemy import select

    from labapp.accounts.services import find_user_by_email, make_reset_token
    from labapp.db import db
    from labapp.mail.models import OutboxMessage, OutboxStatus
    from labapp.messages.models import MessageAudience
    from labapp.messages.services import send_attendee_message
    from labapp.protocol.services import list_components
    from labapp.sessions.models import LabSession
    from tests.browser.tools import NOW

    def session_id(slug: str) -> int:
        return db.session.scalars(select(LabSession.id).where(LabSession.slug == slug)).one()

    admin = find_user_by_email("admin@example.org")
    full_id = session_id(demo_site.full_slug)
    message = send_attendee_message(
        lab_session_id=full_id, audience=MessageAudience.CONFIRMED, subject="Room change",
        body="We meet in Room 210 this time.\n\nThe entrance is on Broadway.", sent_by_id=admin.id,
        sender_name=admin.name, now=NOW,
    )
    # One email the mail server refused for good, so the outbox page has a failure (and its Retry button) to show.
    refused = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).first()
    refused.status, refused.failed_at, refused.attempts = OutboxStatus.FAILED, NOW, 1
    refused.last_error = "550 5.1.1 <maya.robinson@example.edu>: Recipient address rejected"
    db.session.commit()
    return DashboardSite(
        demo=demo_site, full_id=full_id, open_id=session_id(demo_site.open_slug),
        component_id=list_components()[0].id, message_id=message.id,
        reset_token=make_reset_token(find_user_by_email("facilitator@example.org"), now=NOW),
    )
