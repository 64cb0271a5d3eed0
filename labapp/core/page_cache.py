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

**The fast path** (`PageCacheFastPath`, issue 18): a GET for a page in the cache is answered as soon
as Flask has matched the URL and opened the visitor's session, before the `before_request` hooks
(CSRF, rate limits, Babel, private areas) and the view run. The visitor's language (`page_language()`),
the anonymous-and-quiet check and the expiry are the same as above; the response then goes through
the app's own `process_response`, so it carries exactly the headers of a rendered page (security
headers with this response's CSP nonce, Vary, the `lang` cookie for `?lang=`, X-Request-ID, the
request log line) and the session is saved when a CSRF token was issued. Anything else (a miss, a
signed-in or flashed visitor, plain HTTP on an HTTPS site, another method) takes the normal path.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from flask import Flask, Response, current_app, g, request, session
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import generate_csrf
from itsdangerous import URLSafeTimedSerializer

from labapp.core.request_log import (
    REQUEST_ID_HEADER,
    loggable_path,
    request_id_from,
    start_request,
    write_request_line,
)
from labapp.i18n import browser_language, page_language

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

_NONCE_PLACEHOLDER = "\x00csp-nonce\x00"
_TOKEN_PLACEHOLDER = "\x00csrf-token\x00"  # noqa: S105 - a marker, not a secret
_COOKIE_PLACEHOLDER = "\x00session-cookie\x00"
_TOKEN_FIELD = "csrf_token"  # noqa: S105 - Flask-WTF keeps the request's signed token in g under this name
# Pages per worker before expired ones are swept (one per session slug, a few kB each).
_MAX_ENTRIES = 256


def _cache() -> dict[str, tuple[float, str]]:
    cache: dict[str, tuple[float, str]] = current_app.extensions.setdefault("labapp_page_cache", {})
    return cache


def _by_path() -> dict[str, tuple[float, str]]:
    """The same entries, found by language, path and query: what the fast path knows before any view runs."""
    cache: dict[str, tuple[float, str]] = current_app.extensions.setdefault("labapp_page_cache_by_path", {})
    return cache


def _cached_paths() -> set[str]:
    """Every path with a cached copy (in some language): lets the fast path pass other requests at once."""
    paths: set[str] = current_app.extensions.setdefault("labapp_page_cache_paths", set())
    return paths


def _query() -> str:
    # One copy per language and query (the language switch links back to the same query).
    return urlencode(sorted((k, v) for k, v in request.args.items(multi=True) if k != "lang"))


def _path_key() -> str:
    return f"{page_language()}|{request.path}?{_query()}"


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
    key = f"{page_language()}|{key}?{_query()}"
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
        _store(key, _path_key(), time.monotonic() + seconds, html)
    return _personalise(html, nonce)


def _personalise(html: str, nonce: str) -> str:
    html = html.replace(_NONCE_PLACEHOLDER, nonce)
    if _TOKEN_PLACEHOLDER in html:
        html = html.replace(_TOKEN_PLACEHOLDER, generate_csrf())
    return html


def _store(key: str, path_key: str, expires_at: float, html: str) -> None:
    for cache, entry_key in ((_cache(), key), (_by_path(), path_key)):
        if len(cache) >= _MAX_ENTRIES:
            now = time.monotonic()
            for stale, (until, _) in list(cache.items()):  # a copy: other threads may store meanwhile
                if until <= now:
                    cache.pop(stale, None)
        if len(cache) < _MAX_ENTRIES:
            cache[entry_key] = (expires_at, html)
    paths = _cached_paths()
    if len(paths) >= _MAX_ENTRIES:
        paths.clear()  # a few more misses until the busy pages are stored again
    paths.add(request.path)


def clear_page_cache() -> None:
    """Forget every cached page of this app (tests; or after a change that must show at once)."""
    _cache().clear()
    _by_path().clear()
    _cached_paths().clear()
    current_app.extensions.get("labapp_page_cache_replays", {}).clear()


class PageCacheFastPath:
    """WSGI middleware: answer a GET for a cached page before the request hooks and the view run.

    Installed inside ProxyFix (so the scheme and address are the proxy's), outside Flask's dispatch.

    **Replay**: a visitor with no cookie and no query string (most of a newsletter's readers) has
    nothing personal to check: no session, no language but their browser's. Their page's response
    headers are then the same for everyone but the CSP nonce and the request id, so the first such
    answer from the fast path is recorded (`_record`) and replayed to the next ones without even a
    request context: same body, same headers with this response's nonce, same log line.
    """

    def __init__(self, app: Flask, wsgi_app: WSGIApplication, *, https_only: bool) -> None:
        self.app = app
        self.wsgi_app = wsgi_app
        self.https_only = https_only
        self.pages: dict[str, tuple[float, str]] = app.extensions.setdefault("labapp_page_cache_by_path", {})
        self.paths: set[str] = app.extensions.setdefault("labapp_page_cache_paths", set())
        # path key and scheme -> (loggable path, status line, headers with placeholders for the nonce and cookie)
        self.replays: dict[tuple[str, str], tuple[str, str, list[tuple[str, str]]]] = app.extensions.setdefault(
            "labapp_page_cache_replays", {})

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        # A GET with a body (which request_limits may have to refuse with 413) takes the normal path.
        has_body = environ.get("CONTENT_LENGTH", "0") not in ("", "0") or "HTTP_TRANSFER_ENCODING" in environ
        if environ.get("PATH_INFO") in self.paths and environ.get("REQUEST_METHOD") in ("GET", "HEAD") and not has_body:
            if _replayable(environ):
                replayed = self._replay(environ, start_response)
                if replayed is not None:
                    return replayed
            response = self._cached_response(environ)
            if response is not None:
                return response(environ, start_response)
        return self.wsgi_app(environ, start_response)

    def _cached_response(self, environ: WSGIEnvironment) -> Response | None:
        app = self.app
        with app.request_context(environ):
            if self.https_only and not request.is_secure:
                return None  # the normal path redirects to HTTPS
            path_key = _path_key()
            hit = self.pages.get(path_key)
            if hit is None or hit[0] <= time.monotonic() or not _visitor_is_anonymous_and_quiet():
                return None
            start_request()
            g.csp_nonce = secrets.token_urlsafe(16)
            response = app.process_response(
                app.response_class(_personalise(hit[1], g.csp_nonce), mimetype="text/html"))
            if _replayable(environ):
                self._record(path_key, environ, response, form_token=_TOKEN_PLACEHOLDER in hit[1])
            return response

    def _record(self, path_key: str, environ: WSGIEnvironment, response: Response, *, form_token: bool) -> None:
        """Keep this answer's headers for the next cookieless visitors of the page.

        The only cookie it may set is the session cookie holding nothing but a page's CSRF token, for
        the session's lifetime (no expiry to keep true): its value is then a placeholder, made anew
        for each visitor. Any other cookie, or an unexpected one, means no replay.
        """
        cookies = response.headers.getlist("Set-Cookie")
        session_cookie = f"{self.app.config['SESSION_COOKIE_NAME']}="
        if response.status_code != 200 or len(cookies) != int(form_token):
            return
        if form_token and not (cookies[0].startswith(session_cookie) and set(session) == {_TOKEN_FIELD}
                               and not any(word in cookies[0].lower() for word in ("expires=", "max-age="))):
            return
        nonce = g.csp_nonce
        kept = []
        for name, value in response.headers.items():
            if name in ("Content-Length", REQUEST_ID_HEADER):
                continue
            if name == "Set-Cookie":
                value = session_cookie + _COOKIE_PLACEHOLDER + value[value.index(";"):]
            kept.append((name, value.replace(nonce, _NONCE_PLACEHOLDER)))
        self.replays[(path_key, environ["wsgi.url_scheme"])] = (loggable_path(), response.status, kept)

    def _replay(self, environ: WSGIEnvironment, start_response: StartResponse) -> list[bytes] | None:
        started = time.perf_counter()
        path_key = f"{browser_language(environ.get('HTTP_ACCEPT_LANGUAGE'))}|{environ['PATH_INFO']}?"
        hit = self.pages.get(path_key)
        replay = self.replays.get((path_key, environ["wsgi.url_scheme"]))
        if hit is None or replay is None or hit[0] <= time.monotonic():
            return None
        loggable_path, status, headers = replay
        nonce = secrets.token_urlsafe(16)
        html = hit[1].replace(_NONCE_PLACEHOLDER, nonce)
        cookie = ""
        if _TOKEN_PLACEHOLDER in html:
            token, cookie = self._new_form_token()
            html = html.replace(_TOKEN_PLACEHOLDER, token)
        body = html.encode()
        request_id = request_id_from(environ.get("HTTP_X_REQUEST_ID"))
        start_response(status, [
            *((name, value.replace(_NONCE_PLACEHOLDER, nonce).replace(_COOKIE_PLACEHOLDER, cookie))
              for name, value in headers),
            ("Content-Length", str(len(body))), (REQUEST_ID_HEADER, request_id),
        ])
        write_request_line(method=environ["REQUEST_METHOD"], path=loggable_path, status=int(status.split()[0]),
                           started=started, request_id=request_id, remote_addr=environ.get("REMOTE_ADDR"))
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [body]


    def _new_form_token(self) -> tuple[str, str]:
        """A new visitor's CSRF token and the session cookie value that holds it.

        Exactly what flask_wtf.csrf.generate_csrf and the session interface make for a visitor with an
        empty session (a random raw token kept in the session, the form's copy signed with the salt
        "wtf-csrf-token"); tests/core/test_page_cache.py registers with a replayed token and cookie.
        """
        app = self.app
        secret: str | bytes = app.config.get("WTF_CSRF_SECRET_KEY") or app.secret_key or ""
        signers: tuple[object, URLSafeTimedSerializer] | None = app.extensions.get("labapp_csrf_signer")
        if signers is None or signers[0] != secret:
            signers = (secret, URLSafeTimedSerializer(secret, salt="wtf-csrf-token"))
            app.extensions["labapp_csrf_signer"] = signers
        raw = hashlib.sha1(os.urandom(64)).hexdigest()  # noqa: S324 - Flask-WTF's own token recipe, not a hash of a secret
        session_signer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
        return signers[1].dumps(raw), session_signer.dumps({_TOKEN_FIELD: raw})


def _replayable(environ: WSGIEnvironment) -> bool:
    """Nothing in the request but the path and the browser's language can change the answer."""
    return not environ.get("QUERY_STRING") and "HTTP_COOKIE" not in environ


class ReusedSigningSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, with the signing serializer built once per set of keys.

    Flask builds a new serializer (and tests it by serialising an empty dict) on every request that
    opens or saves a session; every visitor of a cached session page gets a CSRF token and so a
    cookie. The keys are read on each call, so a changed SECRET_KEY still takes effect.
    """

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        cached: tuple[object, URLSafeTimedSerializer | None] | None = app.extensions.get("labapp_session_signer")
        if cached is None or cached[0] != keys:
            cached = (keys, super().get_signing_serializer(app))
            app.extensions["labapp_session_signer"] = cached
        return cached[1]
