"""A few seconds of caching for busy public pages that look the same to every anonymous visitor.

When a newsletter goes out, hundreds of people open `/` within a minute. Rendering it means three
queries and thirty cards; serving the HTML rendered a moment ago costs almost nothing. Seat counts
may then be up to PUBLIC_PAGE_CACHE_SECONDS old on that page, which is harmless: registering
always decides under the session's row lock and tells the person whether they got a seat.

Safety: a page is cached and served from the cache only for visitors with nothing personal to show
(no flashed message, not signed in), and a render that put anything into the visitor's session
(a CSRF token for a form, a flash) is never cached. The per-response CSP nonce is swapped in on
every hit. Each gunicorn worker keeps its own small cache; nothing is shared between processes.

A page with a form (the session page) opts in with `form_token=True`: it is rendered with a
placeholder where the CSRF token goes, and every visitor gets their own token swapped in, exactly
as the nonce is; so the form still checks CSRF per visitor.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from flask import current_app, g, request, session
from flask_wtf.csrf import generate_csrf

from labapp.i18n import page_language

_NONCE_PLACEHOLDER = "\x00csp-nonce\x00"
_TOKEN_PLACEHOLDER = "\x00csrf-token\x00"  # noqa: S105 - a marker, not a secret
_TOKEN_FIELD = "csrf_token"  # noqa: S105 - Flask-WTF keeps the request's signed token in g under this name
# Pages per worker before expired ones are swept (one per session slug, a few kB each).
_MAX_ENTRIES = 256


def _cache() -> dict[str, tuple[float, str]]:
    cache: dict[str, tuple[float, str]] = current_app.extensions.setdefault("labapp_page_cache", {})
    return cache


def _visitor_is_anonymous_and_quiet() -> bool:
    remember_cookie = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    return "_flashes" not in session and "_user_id" not in session and remember_cookie not in request.cookies


def cached_page(key: str, render: Callable[[], str], *, form_token: bool = False) -> str:
    """`render()`'s HTML, reused for up to PUBLIC_PAGE_CACHE_SECONDS when that is safe (see the module doc).

    `form_token=True`: the page holds a CSRF-protected form; each visitor gets their own token.
    """
    seconds = float(current_app.config.get("PUBLIC_PAGE_CACHE_SECONDS") or 0)
    if seconds <= 0 or not _visitor_is_anonymous_and_quiet() or (form_token and _TOKEN_FIELD in g):
        return render()
    # One copy per language and query (the language switch links back to the same query).
    query = urlencode(sorted((k, v) for k, v in request.args.items(multi=True) if k != "lang"))
    key = f"{page_language()}|{key}?{query}"
    nonce = g.get("csp_nonce", "")
    hit = _cache().get(key)
    if hit is not None and hit[0] > time.monotonic():
        return _personalise(hit[1], nonce)
    g.csp_nonce = _NONCE_PLACEHOLDER
    if form_token:
        setattr(g, _TOKEN_FIELD, _TOKEN_PLACEHOLDER)
    try:
        html = render()
    finally:
        g.csp_nonce = nonce
        if form_token:
            g.pop(_TOKEN_FIELD, None)
    if not session.modified and _TOKEN_FIELD not in g:
        _store(key, time.monotonic() + seconds, html)
    return _personalise(html, nonce)


def _personalise(html: str, nonce: str) -> str:
    html = html.replace(_NONCE_PLACEHOLDER, nonce)
    if _TOKEN_PLACEHOLDER in html:
        html = html.replace(_TOKEN_PLACEHOLDER, generate_csrf())
    return html


def _store(key: str, expires_at: float, html: str) -> None:
    cache = _cache()
    if len(cache) >= _MAX_ENTRIES:
        now = time.monotonic()
        for stale, (until, _) in list(cache.items()):  # a copy: other threads may store meanwhile
            if until <= now:
                cache.pop(stale, None)
    if len(cache) < _MAX_ENTRIES:
        cache[key] = (expires_at, html)


def clear_page_cache() -> None:
    """Forget every cached page of this app (tests; or after a change that must show at once)."""
    _cache().clear()
