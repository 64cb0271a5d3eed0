"""Cross-cutting web concerns: error pages, security headers, template helpers, logging."""

from __future__ import annotations

import logging
import secrets
from typing import Any

from flask import Flask, g, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response

from labapp import timefmt
from labapp.clock import utcnow

log = logging.getLogger("labapp")

ERROR_MESSAGES = {
    400: ("Something in that request was not right", "Please go back, reload the page and try again."),
    403: ("You can't open this page", "Your account does not have access to it."),
    404: ("Page not found", "The page may have moved, or the link may be incomplete."),
    405: ("That action isn't available here", "Please go back and use the buttons on the page."),
    410: ("This link has expired", "Ask for a new link and use it within its time."),
    413: ("That was too much to send", "Please shorten what you typed (under 1 MB) and try again."),
    429: ("Too many tries", "Please wait a minute and try again."),
    500: ("Something went wrong on our side", "It has been logged. Please try again in a moment."),
    503: ("We're briefly unavailable", "Please try again in a moment."),
}


def render_error(status: int, detail: str | None = None) -> tuple[str, int]:
    """The site's error page for an HTTP status."""
    title, hint = ERROR_MESSAGES.get(status, ERROR_MESSAGES[400])
    return render_template("errors/error.html", status=status, title=title, hint=detail or hint), status


def init_app(app: Flask) -> None:
    """Wire error pages, headers, template filters and logging into the app."""
    if app.config.get("PROXY_FIX_HOPS"):
        hops = int(app.config["PROXY_FIX_HOPS"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]

    logging.basicConfig(
        level=app.config.get("LOG_LEVEL", "INFO"), format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )
    if not app.config.get("MAIL_SERVER") and not app.testing:
        log.warning("MAIL_SERVER is not set: emails are written as .eml files under %s", app.config["MAIL_OUTBOX_DIR"])

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> tuple[str, int]:
        return render_error(400, "The form expired or was sent from another page. Please reload it and try again.")

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Any:
        if error.code is None or error.code < 400:
            return error
        return render_error(error.code, getattr(error, "description_for_people", None))

    if not app.testing:
        # Tests let unexpected errors propagate, so a 500 fails loudly with its traceback.
        @app.errorhandler(Exception)
        def unexpected_error(error: Exception) -> tuple[str, int]:
            log.exception("unhandled error on %s %s", request.method, request.path)
            from labapp.db import db

            db.session.rollback()
            return render_error(500)

    @app.before_request
    def make_nonce() -> None:
        g.csp_nonce = secrets.token_urlsafe(16)

    @app.after_request
    def security_headers(response: Response) -> Response:
        nonce = getattr(g, "csp_nonce", "")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; "
            f"script-src 'self' 'nonce-{nonce}'; form-action 'self'; base-uri 'none'; "
            "object-src 'none'; frame-ancestors 'none'",
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if app.config.get("BASE_URL", "").startswith("https://") and not app.debug:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response

    app.jinja_env.filters.update(
        when=lambda lab: timefmt.format_when(lab.starts_at, lab.ends_at, lab.timezone),
        long_day=lambda value, zone: timefmt.format_long_day(value, zone),
        clock=lambda value, zone: timefmt.format_clock(value, zone),
        time_range=lambda start, end, zone: timefmt.format_time_range(start, end, zone),
        duration=timefmt.format_duration,
    )

    @app.context_processor
    def template_globals() -> dict[str, Any]:
        return {
            "csp_nonce": lambda: getattr(g, "csp_nonce", ""),
            "organisation_name": app.config["ORGANISATION_NAME"],
            "current_year": utcnow().year,
        }
