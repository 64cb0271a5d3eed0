"""A few seconds of caching for busy public pages that look the same to every anonymous visitor.

When a newsletter goes out, hundreds of people open `/` within a minute. Rendering it means three
queries and thirty cards; serving the HTML rendered a moment ago costs almost nothing. Seat counts
may then be up to PUBLIC_PAGE_CACHE_SECONDS old on that page, which is harmless: registering
always decides under the session's row lock and tells the person whether they got a seat.

Safety: a page is cached and served from the cache only for visitors with nothing personal to show
(no flashed message, not signed in), and a render that put anything into the visitor's session
(a CSRF token for a form, a flash) is never cached. The per-response CSP nonce is swapped in on
every hit. Each gunicorn worker keeps its own small cache; nothing is shared between processes.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from flask import current_app, g, request, session

_NONCE_PLACEHOLDER = "\x00csp-nonce\x00"


def _cache() -> dict[str, tuple[float, str]]:
    return current_app.extensions.setdefault("labapp_page_cache", {})


def _visitor_is_anonymous_and_quiet() -> bool:
    remember_cookie = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    return "_flashes" not in session and "_user_id" not in session and remember_cookie not in request.cookies


def cached_page(key: str, render: Callable[[], str]) -> str:
    """`render()`'s HTML, reused for up to PUBLIC_PAGE_CACHE_SECONDS when that is safe (see the module doc)."""
    seconds = float(current_app.config.get("PUBLIC_PAGE_CACHE_SECONDS") or 0)
    if seconds <= 0 or not _visitor_is_anonymous_and_quiet():
        return render()
    nonce = g.get("csp_nonce", "")
    hit = _cache().get(key)
    if hit is not None and hit[0] > time.monotonic():
        return hit[1].replace(_NONCE_PLACEHOLDER, nonce)
    g.csp_nonce = _NONCE_PLACEHOLDER
    try:
        html = render()
    finally:
        g.csp_nonce = nonce
    if not session.modified and "csrf_token" not in g:
        _cache()[key] = (time.monotonic() + seconds, html)
    return html.replace(_NONCE_PLACEHOLDER, nonce)


def clear_page_cache() -> None:
    """Forget every cached page of this app (tests; or after a change that must show at once)."""
    _cache().clear()
