"""Bodies sent without a Content-Length (chunked) meet the same 1 MB limit as any other."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from typing import Any

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class ChunkedBodyLimit:
    """WSGI middleware: read a chunked body (up to the limit plus one byte) and give it a Content-Length.

    Werkzeug stops reading a chunked body at MAX_CONTENT_LENGTH and hands the view the truncated
    form, which then fails validation as a 400. With the length known, the body over the limit is
    refused with 413 exactly like one that announced its length.
    """

    def __init__(self, wsgi_app: WSGIApp, max_bytes: int) -> None:
        self.wsgi_app, self.max_bytes = wsgi_app, max_bytes

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if not environ.get("CONTENT_LENGTH") and "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower():
            body = _read_at_most(environ["wsgi.input"], self.max_bytes + 1)
            environ["wsgi.input"] = io.BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))
            # Werkzeug ignores Content-Length while Transfer-Encoding says chunked; the body is no longer chunked.
            environ.pop("HTTP_TRANSFER_ENCODING", None)
            environ.pop("wsgi.input_terminated", None)
        return self.wsgi_app(environ, start_response)


def _read_at_most(stream: Any, limit: int) -> bytes:
    """Up to `limit` bytes: a server's dechunking stream may return less than asked for per read."""
    parts, size = [], 0
    while size < limit:
        part = stream.read(min(65536, limit - size))
        if not part:
            break
        parts.append(part)
        size += len(part)
    return b"".join(parts)


def init_request_limits(app: Any) -> None:
    """Wrap the app so chunked bodies are measured before Flask sees them."""
    max_bytes = app.config.get("MAX_CONTENT_LENGTH")
    if max_bytes:
        app.wsgi_app = ChunkedBodyLimit(app.wsgi_app, int(max_bytes))
