"""`/` is served from a few seconds of cache, but never with someone else's message, token or nonce."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask import Flask, g, session
from flask_wtf.csrf import generate_csrf

from labapp.core.page_cache import cached_page
from tests.factories import make_lab_session, registration_form
from tests.helpers import count_queries


@pytest.fixture
def app_config() -> dict:
    return {"PUBLIC_PAGE_CACHE_SECONDS": 60}


@contextmanager
def visit(app: Flask) -> Iterator[None]:
    """One request, with its own app context (and so its own `g`), as a real request has."""
    with app.app_context(), app.test_request_context("/"):
        yield


class Renderer:
    def __init__(self, html: str = "<p>page</p>") -> None:
        self.calls = 0
        self.html = html

    def __call__(self) -> str:
        self.calls += 1
        return self.html


def test_a_second_visit_to_home_is_answered_without_queries(client):
    make_lab_session(title="Cached lab")
    first = client.get("/")
    with count_queries() as queries:
        second = client.get("/")
    assert queries.count == 0
    assert "Cached lab" in second.get_data(as_text=True)
    assert second.get_data() == first.get_data()
    assert first.headers["Content-Security-Policy"] != second.headers["Content-Security-Policy"]


def test_a_cached_page_carries_this_responses_nonce(app):
    calls = []

    def render() -> str:
        calls.append(1)
        return f'<script nonce="{g.csp_nonce}"></script>'  # what a template's csp_nonce() gives

    for nonce in ("first-nonce", "second-nonce"):
        with visit(app):
            g.csp_nonce = nonce
            assert cached_page("page", render) == f'<script nonce="{nonce}"></script>'
    assert len(calls) == 1


def test_a_visitor_with_a_message_gets_a_fresh_page(app):
    render = Renderer()
    with visit(app):
        cached_page("page", render)
    with visit(app):
        session["_flashes"] = [("success", "Your details are saved.")]
        cached_page("page", render)
    assert render.calls == 2


def test_a_page_with_a_form_token_is_never_cached(app):
    def render_form() -> str:
        return f'<input name="csrf_token" value="{generate_csrf()}">'

    with visit(app):
        first = cached_page("form", render_form)
    with visit(app):
        second = cached_page("form", render_form)
    assert first != second


def test_caching_is_off_when_the_setting_is_zero(app):
    app.config["PUBLIC_PAGE_CACHE_SECONDS"] = 0
    render = Renderer()
    for _ in range(2):
        with visit(app):
            cached_page("page", render)
    assert render.calls == 2


def _form_token(page: str) -> str:
    found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert found, "no CSRF token on the page"
    return found.group(1)


def test_a_cached_session_page_gives_each_visitor_their_own_working_form_token(app):
    app.config["WTF_CSRF_ENABLED"] = True
    lab = make_lab_session(title="Cached session page")
    first_visitor, second_visitor = app.test_client(), app.test_client()

    def get(visitor) -> str:  # each request with its own `g`, as in production
        with app.app_context():
            return visitor.get(f"/sessions/{lab.slug}").get_data(as_text=True)

    first = get(first_visitor)
    with count_queries() as queries:
        second = get(second_visitor)
    assert queries.count == 0
    assert "Cached session page" in second and "\x00" not in second
    assert _form_token(first) != _form_token(second)
    register = f"/sessions/{lab.slug}/register"
    with app.app_context():
        assert second_visitor.post(register, data=registration_form(csrf_token=_form_token(first))).status_code == 400
    with app.app_context():
        assert second_visitor.post(register, data=registration_form(csrf_token=_form_token(second))).status_code == 302


def test_an_unknown_session_is_not_found_even_after_a_cached_visit(client):
    lab = make_lab_session()
    client.get(f"/sessions/{lab.slug}")
    assert client.get(f"/sessions/{lab.slug}-nope").status_code == 404


@pytest.fixture
def hooks_ran(app: Flask) -> list[str]:
    """The paths of the requests that went through the app's before_request hooks (the normal path)."""
    ran: list[str] = []

    @app.before_request
    def note() -> None:
        from flask import request

        ran.append(request.path)

    return ran


@pytest.mark.parametrize("page", ["/", "session"])
def test_a_cached_page_is_answered_before_the_request_hooks_with_every_header(client, hooks_ran, page):
    lab = make_lab_session(title="Fast lab")
    path = f"/sessions/{lab.slug}" if page == "session" else "/"
    first = client.get(path)
    with count_queries() as queries:
        second = client.get(path)
    assert hooks_ran == [path]  # the second visit skipped CSRF, rate limits, Babel and the view
    assert queries.count == 0 and second.status_code == 200
    assert "Fast lab" in second.get_data(as_text=True)
    assert {name for name, _ in second.headers if name != "Set-Cookie"} == {
        name for name, _ in first.headers if name != "Set-Cookie"}
    assert first.headers["X-Request-ID"] != second.headers["X-Request-ID"]
    nonces = [re.search(r"'nonce-([^']+)'", r.headers["Content-Security-Policy"]) for r in (first, second)]
    assert all(nonces) and len({n.group(1) for n in nonces if n}) == 2
    assert {"Accept-Language", "Cookie"} <= set(second.vary)
    assert second.headers["X-Frame-Options"] == "DENY"


def test_the_fast_path_serves_each_visitor_their_own_language_and_remembers_a_lang_link(app, hooks_ran):
    make_lab_session(title="Fast lab")
    english, spanish, linked = app.test_client(), app.test_client(), app.test_client()
    english.get("/", headers={"Accept-Language": "en"})
    spanish.get("/", headers={"Accept-Language": "es"})
    linked.get("/?lang=es")
    hooks_ran.clear()
    assert '<html lang="es"' in spanish.get("/", headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert '<html lang="en"' in english.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    newcomer = app.test_client().get("/?lang=es")
    assert '<html lang="es"' in newcomer.get_data(as_text=True)
    assert "lang=es" in newcomer.headers["Set-Cookie"]
    assert hooks_ran == []


def test_a_signed_in_or_flashed_visitor_never_takes_the_fast_path(app, hooks_ran):
    make_lab_session(title="Fast lab")
    app.test_client().get("/")
    visitor = app.test_client()
    with visitor.session_transaction() as session:
        session["_flashes"] = [("message", "Your seat is cancelled.")]
    assert "Your seat is cancelled." in visitor.get("/").get_data(as_text=True)
    signed_in = app.test_client()
    with signed_in.session_transaction() as session:
        session["_user_id"] = "someone"
    signed_in.get("/")
    assert hooks_ran == ["/", "/", "/"]


def test_a_new_secret_key_still_invalidates_the_session_cookies_signed_with_the_old_one(app):
    visitor = app.test_client()
    with visitor.session_transaction() as session:
        session["_flashes"] = [("message", "Signed with the first key.")]
    app.secret_key = "a-completely-different-key-" + "x" * 20
    assert "Signed with the first key." not in visitor.get("/").get_data(as_text=True)


@pytest.fixture
def contexts(app: Flask, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths of the requests that got a request context (every path but the replay)."""
    pushed: list[str] = []
    real = app.request_context

    def counting(environ):
        pushed.append(environ["PATH_INFO"])
        return real(environ)

    monkeypatch.setattr(app, "request_context", counting)
    return pushed


def _nonce(response) -> str:
    match = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"])
    assert match
    return match.group(1)


def test_a_cookieless_visitor_gets_the_page_replayed_with_its_own_nonce_id_and_log_line(app, contexts, caplog):
    make_lab_session(title="Replayed lab")
    visitor = app.test_client(use_cookies=False)
    visitor.get("/")  # rendered
    recorded = visitor.get("/")  # the fast path, which records its headers
    contexts.clear()
    caplog.set_level("INFO")
    caplog.clear()
    replayed = visitor.get("/", headers={"X-Request-ID": "from-nginx-123"})
    assert contexts == []  # answered without a request context
    assert replayed.status_code == 200 and "Replayed lab" in replayed.get_data(as_text=True)
    assert sorted(name for name, _ in replayed.headers) == sorted(name for name, _ in recorded.headers)
    for name in ("Vary", "X-Frame-Options", "Permissions-Policy", "Content-Type", "Cross-Origin-Opener-Policy"):
        assert replayed.headers[name] == recorded.headers[name]
    assert _nonce(replayed) != _nonce(recorded)
    assert replayed.get_data() == recorded.get_data()
    assert replayed.headers["Content-Length"] == str(len(replayed.get_data()))
    assert replayed.headers["X-Request-ID"] == "from-nginx-123"
    [line] = [json.loads(r.getMessage()) for r in caplog.records if r.name == "labapp.request"]
    assert line | {"duration_ms": 0} == {"event": "request", "method": "GET", "path": "/", "status": 200,
                                         "duration_ms": 0, "request_id": "from-nginx-123",
                                         "remote_addr": "127.0.0.1"}
    head = visitor.head("/")
    assert head.status_code == 200 and head.get_data() == b""
    assert contexts == []


def test_the_replay_speaks_each_browsers_language_and_leaves_cookies_and_queries_to_the_fast_path(app, contexts):
    make_lab_session(title="Replayed lab")
    visitor = app.test_client(use_cookies=False)
    for _ in range(3):
        visitor.get("/", headers={"Accept-Language": "es-MX,es;q=0.9"})
        visitor.get("/")
    contexts.clear()
    assert '<html lang="es"' in visitor.get("/", headers={"Accept-Language": "es-MX,es;q=0.9"}).get_data(as_text=True)
    assert '<html lang="en"' in visitor.get("/").get_data(as_text=True)
    assert contexts == []
    assert '<html lang="es"' in visitor.get("/", headers={"Cookie": "lang=es"}).get_data(as_text=True)
    assert '<html lang="es"' in visitor.get("/?lang=es").get_data(as_text=True)
    assert contexts == ["/", "/"]


def test_a_replayed_session_page_gives_each_visitor_a_token_and_cookie_that_register(app, contexts):
    app.config["WTF_CSRF_ENABLED"] = True
    lab = make_lab_session(title="Replayed lab")
    visitor = app.test_client(use_cookies=False)
    pages = []
    for _ in range(4):
        with app.app_context():  # each request with its own `g`, as in production
            pages.append(visitor.get(f"/sessions/{lab.slug}"))
    assert len(contexts) == 2  # rendered, then the fast path recorded it; the next two were replayed
    tokens = [_form_token(page.get_data(as_text=True)) for page in pages]
    cookies = [page.headers["Set-Cookie"] for page in pages]
    assert len(set(tokens)) == 4 and len(set(cookies)) == 4
    assert {cookie.split(";", 1)[1] for cookie in cookies} == {" HttpOnly; Path=/; SameSite=Lax"}
    register = f"/sessions/{lab.slug}/register"
    for page, token, cookie in zip(pages[2:], tokens[2:], cookies[2:], strict=True):
        assert page.status_code == 200 and "Replayed lab" in page.get_data(as_text=True)
        person = app.test_client(use_cookies=False)
        headers = {"Cookie": cookie.split(";", 1)[0]}
        with app.app_context():
            assert person.post(register, data=registration_form(csrf_token=token), headers=headers).status_code == 302
    # Someone else's token with this cookie is refused, as on the normal path.
    with app.app_context():
        refused = app.test_client(use_cookies=False).post(
            register, data=registration_form(csrf_token=tokens[3]), headers={"Cookie": cookies[2].split(";", 1)[0]})
    assert refused.status_code == 400
