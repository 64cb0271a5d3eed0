"""One structured log line per request, tied together by a request id.

The id comes from the proxy's X-Request-ID when it looks sane (so nginx and app logs
match), otherwise it is generated; it is echoed in the response's X-Request-ID header,
added to every log record written during the request, and shown on the 500 page.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid

from flask import Flask, g, has_request_context, request
from werkzeug.wrappers import Response

from labapp.core.secret_routes import REDACTED, SECRET_VIEW_ARGS, covers, redact_path

log = logging.getLogger("labapp.request")

REQUEST_ID_HEADER = "X-Request-ID"
# Anything else (spaces, quotes, newlines, 2 KB of junk) could forge or break log lines: replace it.
_SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:@/+=-]{1,128}")
# Probed every few seconds by the proxy or a monitor: logged only at DEBUG.
QUIET_PATHS = frozenset({"/healthz"})


def current_request_id() -> str:
    """The id of the request being handled ('-' outside a request)."""
    if has_request_context():
        return g.get("request_id") or "-"
    return "-"


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record, so the log format can show it."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id()
        return True


def _incoming_request_id() -> str:
    return request_id_from(request.headers.get(REQUEST_ID_HEADER))


def loggable_path() -> str:
    """The request path with its secrets (see secret_routes.SECRET_ROUTES) replaced by '[redacted]'."""
    rule = request.url_rule
    # Unmatched paths (404s, slash redirects) are redacted by pattern; a matched rule only when listed,
    # so /my-record/sent stays readable.
    path = redact_path(request.path) if rule is None or covers(rule.rule) else request.path
    # Belt and braces for a route with a token that is not (yet) in the list.
    for name, value in (request.view_args or {}).items():
        if name in SECRET_VIEW_ARGS and isinstance(value, str) and value:
            path = path.replace(value, REDACTED)
    return path


def configure_logging(app: Flask) -> None:
    """Root logging with the request id in every line (gunicorn and `flask run` alike)."""
    root = logging.getLogger()
    if not root.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")
        )
        root.addHandler(handler)
    for each in root.handlers:
        if not any(isinstance(f, RequestIdFilter) for f in each.filters):
            each.addFilter(RequestIdFilter())
    root.setLevel(app.config.get("LOG_LEVEL", "INFO"))


def start_request() -> None:
    """Give this request its id and start its clock (the first hook; page_cache's fast path calls it too)."""
    g.request_id = _incoming_request_id()
    g.request_started = time.perf_counter()


def init_request_log(app: Flask) -> None:
    """Give each request an id and log it when it ends: method, path, status, duration, id."""

    # Before every other hook (HTTPS redirect, CSRF, rate limits), so their answers are timed and tagged too.
    app.before_request_funcs.setdefault(None, []).insert(0, start_request)

    @app.after_request
    def log_request(response: Response) -> Response:
        request_id = g.get("request_id") or _incoming_request_id()
        response.headers[REQUEST_ID_HEADER] = request_id
        write_request_line(method=request.method, path=loggable_path(), status=response.status_code,
                           started=g.get("request_started"), request_id=request_id,
                           remote_addr=request.remote_addr, quiet=request.path in QUIET_PATHS)
        return response


def write_request_line(*, method: str, path: str, status: int, started: float | None, request_id: str,
                       remote_addr: str | None, quiet: bool = False) -> None:
    """The request's log line (also written by page_cache's replay, which answers without a request context)."""
    line = {
        "event": "request",
        "method": method,
        "path": path,
        "status": status,
        "duration_ms": round((time.perf_counter() - started) * 1000, 1) if started else None,
        "request_id": request_id,
        "remote_addr": remote_addr,
    }
    level = logging.DEBUG if quiet and status < 400 else logging.INFO
    if log.isEnabledFor(level):
        log.log(level, json.dumps(line, ensure_ascii=False))


def request_id_from(header: str | None) -> str:
    """The proxy's X-Request-ID when it looks sane, else a new id."""
    return header if header and _SAFE_REQUEST_ID.fullmatch(header) else uuid.uuid4().hex
