"""Cross-cutting web concerns: error pages, security headers, template helpers, logging."""

from __future__ import annotations

import logging
import math
import time
from typing import Any

from flask import Flask, g, render_template, request
from flask_babel import gettext, ngettext
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException

from labapp import timefmt
from labapp.clock import utcnow
from labapp.core.page_cache import PageCacheFastPath, ReusedSigningSessionInterface
from labapp.core.private import init_private_areas
from labapp.core.request_limits import init_request_limits
from labapp.core.request_log import configure_logging, current_request_id, init_request_log, loggable_path
from labapp.core.security import https_only, init_security
from labapp.core.urls import init_url_converters
from labapp.db import db
from labapp.extensions import limiter

log = logging.getLogger("labapp")
# What may end a session title that is the end of a sentence in an email ("…who are we not hearing?").
SENTENCE_ENDS = ("?", "!", ".", "…")

# Lazy: each page shows them in its own language.
ERROR_MESSAGES: dict[int, tuple[Any, Any]] = {
    400: (_l("Something in that request was not right"), _l("Please go back, reload the page and try again.")),
    403: (_l("You can't open this page"), _l("Your account does not have access to it.")),
    404: (_l("Page not found"), _l("The page may have moved, or the link may be incomplete.")),
    405: (_l("That action isn't available here"), _l("Please go back and use the buttons on the page.")),
    410: (_l("This link has expired"), _l("Ask for a new link and use it within its time.")),
    413: (_l("That was too much to send"), _l("Please shorten what you typed (under 1 MB) and try again.")),
    429: (_l("Too many tries"), _l("Please wait a minute and try again.")),
    500: (_l("Something went wrong on our side"), _l("It has been logged. Please try again in a moment.")),
    503: (_l("We're briefly unavailable"), _l("Please try again in a moment.")),
}


def render_error(status: int, detail: str | None = None) -> tuple[str, int]:
    """The site's error page for an HTTP status."""
    title, hint = ERROR_MESSAGES.get(status, ERROR_MESSAGES[400])
    return render_template(
        "errors/error.html", status=status, title=str(title), hint=str(detail or hint), request_id=current_request_id()
    ), status


def too_many_requests_hint(retry_after: int = 0) -> str:
    """'Please wait about N minutes…', from the limit that was reached (Retry-After says the same)."""
    current = limiter.current_limit if limiter.enabled else None
    if retry_after:
        seconds = float(retry_after)  # an attempt counter (core.attempts) said when
    elif current is None or not current.breached:
        return str(ERROR_MESSAGES[429][1])
    else:
        seconds = max(current.reset_at - time.time(), 1)  # the limiter counts in wall-clock epoch seconds
    if seconds <= 90:
        return str(gettext("You've sent this form many times in a short while. Please wait a minute and try again."))
    minutes = math.ceil(seconds / 60)
    return str(ngettext("You've sent this form many times in a short while. Please try again in about %(num)d minute.",
                        "You've sent this form many times in a short while. Please try again in about %(num)d minutes.",
                        minutes))


def end_sentence(text: str) -> str:
    """'for Title.' but 'for Title?': a full stop only where the text does not end a sentence itself."""
    return text if text.rstrip().endswith(SENTENCE_ENDS) else text + "."


def init_app(app: Flask) -> None:
    """Wire error pages, headers, template filters and logging into the app."""
    configure_logging(app)
    init_url_converters(app)
    init_request_limits(app)
    # Before init_security: ProxyFix (if any) must wrap the fast path, so it sees the proxy's scheme.
    app.wsgi_app = PageCacheFastPath(app, app.wsgi_app, https_only=https_only(app))  # type: ignore[method-assign]
    app.session_interface = ReusedSigningSessionInterface()
    init_security(app)
    init_private_areas(app)
    init_request_log(app)
    if not app.config.get("MAIL_SERVER") and not app.testing:
        log.warning("MAIL_SERVER is not set: emails are written as .eml files under %s", app.config["MAIL_OUTBOX_DIR"])

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> tuple[str, int]:
        return render_error(
            400, gettext("The form expired or was sent from another page. Please reload it and try again."))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Any:
        if error.code is None or error.code < 400:
            return error
        if error.code == 429:
            retry_after = getattr(error, "retry_after", None)
            page, status = render_error(429, too_many_requests_hint(retry_after if isinstance(retry_after, int) else 0))
            return page, status, {name: value for name, value in error.get_headers() if name == "Retry-After"}
        return render_error(error.code, getattr(error, "description_for_people", None))

    @app.errorhandler(DBAPIError)
    def database_connection_lost(error: DBAPIError) -> tuple[str, int, dict[str, str]]:
        # The database restarted (or dropped this connection) mid-request. Nothing is acknowledged, the
        # pool reconnects on its next checkout (pre-ping), and a repeated registration is recognised if
        # its commit went through before the drop: "try again in a moment" is the true answer.
        if not error.connection_invalidated:
            raise error
        log.warning("database connection lost on %s %s: %s", request.method, loggable_path(), error.orig)
        db.session.rollback()
        page, status = render_error(503)
        return page, status, {"Retry-After": "5"}

    if not app.testing:
        # Tests let unexpected errors propagate, so a 500 fails loudly with its traceback.
        @app.errorhandler(Exception)
        def unexpected_error(error: Exception) -> tuple[str, int]:
            log.exception("unhandled error on %s %s", request.method, loggable_path())
            db.session.rollback()
            return render_error(500)

    app.jinja_env.filters.update(
        when=lambda lab: timefmt.format_when(lab.starts_at, lab.ends_at, lab.timezone),
        long_day=lambda value, zone: timefmt.format_long_day(value, zone),
        clock=lambda value, zone: timefmt.format_clock(value, zone),
        time_range=lambda start, end, zone: timefmt.format_time_range(start, end, zone),
        duration=timefmt.format_duration,
        sentence=end_sentence,
    )

    @app.context_processor
    def template_globals() -> dict[str, Any]:
        return {
            "csp_nonce": lambda: getattr(g, "csp_nonce", ""),
            "organisation_name": app.config["ORGANISATION_NAME"],
            "current_year": utcnow().year,
        }
