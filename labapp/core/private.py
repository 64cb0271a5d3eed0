"""Private areas of the site: never stored by a cache, never indexed, and kept out of robots.txt.

One list says which URL areas are private. Every response under them, error pages and redirects
included, gets `Cache-Control: no-store` (a shared computer's back button or a proxy must not keep a
person's registration, record or the roster) and `X-Robots-Tag: noindex`; robots.txt disallows the
same list. A new private area is one more line in PRIVATE_AREAS: headers and robots.txt follow,
whichever blueprint serves it.
"""

from __future__ import annotations

from flask import Flask, request
from werkzeug.wrappers import Response

# URL prefixes whose pages belong to one person or to facilitators (links carry tokens or need a login).
PRIVATE_AREAS = (
    "/manage/",  # a registration's private pages (the token is in the URL)
    "/my-record/",  # a person's professional-learning record
    "/dashboard/",  # the facilitator area
    "/account/",  # sign-in and password reset
    "/feedback/",  # feedback links sent to attendees
    "/reminders/stop/",  # the stop-reminders link from an email
)
NO_STORE = "no-store"
NOINDEX = "noindex"


def is_private_path(path: str) -> bool:
    """True for a path inside one of the private areas."""
    return path.startswith(PRIVATE_AREAS)


def mark_private(response: Response) -> Response:
    """Add no-store and noindex to a response, keeping a Cache-Control that already says no-store."""
    if NO_STORE not in response.headers.get("Cache-Control", ""):
        response.headers["Cache-Control"] = NO_STORE
    response.headers["X-Robots-Tag"] = NOINDEX
    return response


def init_private_areas(app: Flask) -> None:
    """Mark every response under PRIVATE_AREAS as private."""

    @app.after_request
    def private_headers(response: Response) -> Response:
        return mark_private(response) if is_private_path(request.path) else response
