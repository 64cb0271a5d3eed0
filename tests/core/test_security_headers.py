"""Security headers on every response; HTTPS, HSTS and Secure cookies only for an https:// site in production."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from flask import Flask

from labapp import create_app
from labapp.db import db
from tests.factories import make_lab_session

HEADERS = ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "Permissions-Policy")


@pytest.fixture
def production_app(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., Flask]]:
    """Build production apps on the test database (the `app` fixture owns the schema and clean-up)."""
    built: list[Flask] = []

    def build(base_url: str, **overrides: object) -> Flask:
        monkeypatch.setenv("SECRET_KEY", "p" * 40)
        monkeypatch.setenv("DATABASE_URL", app.config["SQLALCHEMY_DATABASE_URI"])
        monkeypatch.setenv("BASE_URL", base_url)
        production = create_app(
            "production",
            SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
            BASE_URL=base_url,
            SECRET_KEY="p" * 40,
            MAIL_OUTBOX_DIR=app.config["MAIL_OUTBOX_DIR"],
            RATELIMIT_ENABLED=False,
            PROPAGATE_EXCEPTIONS=True,
            **overrides,
        )
        built.append(production)
        return production

    yield build
    for production in built:
        with production.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.mark.parametrize("path", ["/", "/protocol", "/healthz", "/static/css/site.css", "/no-such-page"])
def test_every_response_carries_the_security_headers(client, path):
    response = client.get(path)
    for name in HEADERS:
        assert name in response.headers, f"{name} missing on {path}"
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in response.headers["Permissions-Policy"]


def test_scripts_run_only_from_our_files_or_with_a_fresh_nonce(client):
    first = client.get("/").headers["Content-Security-Policy"]
    second = client.get("/").headers["Content-Security-Policy"]
    script_src = next(part for part in first.split("; ") if part.startswith("script-src"))
    assert script_src.startswith("script-src 'self' 'nonce-")
    assert first != second  # a nonce seen once cannot be replayed on the next page


def test_error_pages_carry_the_headers_too(client):
    lab = make_lab_session()
    response = client.post(f"/sessions/{lab.slug}/register", data={"hopes": "x" * (1024 * 1024 + 1)})
    assert response.status_code == 413
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_plain_http_site_never_redirects_or_sends_hsts(production_app):
    site = production_app("http://labs.example.org")
    response = site.test_client().get("/")
    assert response.status_code == 200
    assert "Strict-Transport-Security" not in response.headers
    assert site.config["SESSION_COOKIE_SECURE"] is False


def test_https_site_behind_the_proxy_redirects_plain_http_to_https(production_app):
    site = production_app("https://labs.example.org")
    response = site.test_client().get("/protocol?x=1", headers={"X-Forwarded-Proto": "http"})
    assert response.status_code == 301
    assert response.headers["Location"] == "https://labs.example.org/protocol?x=1"
    assert "Strict-Transport-Security" not in response.headers


def test_https_redirect_ignores_a_forged_host_header(production_app):
    site = production_app("https://labs.example.org")
    response = site.test_client().get("/", headers={"Host": "evil.example", "X-Forwarded-Proto": "http"})
    assert response.headers["Location"] == "https://labs.example.org/"


def test_https_site_sends_hsts_and_secure_cookies_over_https(production_app):
    lab = make_lab_session()
    site = production_app("https://labs.example.org")
    response = site.test_client().get(f"/sessions/{lab.slug}", headers={"X-Forwarded-Proto": "https"})
    assert response.status_code == 200
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    cookies = response.headers.getlist("Set-Cookie")
    assert cookies, "the registration form's CSRF token lives in the session cookie"
    assert all("Secure" in cookie and "HttpOnly" in cookie for cookie in cookies)
    assert "upgrade-insecure-requests" in response.headers["Content-Security-Policy"]


def test_health_check_answers_plain_http_on_an_https_site(production_app):
    site = production_app("https://labs.example.org")
    response = site.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.get_json()["status"] == "ok"


def test_a_post_over_plain_http_is_redirected_keeping_its_method(production_app):
    site = production_app("https://labs.example.org")
    response = site.test_client().post("/sessions/x/register", headers={"X-Forwarded-Proto": "http"})
    assert response.status_code == 308


def test_without_proxy_fix_forwarded_headers_are_not_trusted(production_app):
    site = production_app("https://labs.example.org", PROXY_FIX_HOPS=0)
    response = site.test_client().get("/", base_url="http://labs.example.org", headers={"X-Forwarded-Proto": "https"})
    assert response.status_code == 301  # a client cannot claim HTTPS by sending the header itself


def test_https_site_redirects_plain_http_even_for_a_page_in_the_cache(production_app):
    make_lab_session(title="Cached lab")
    site = production_app("https://labs.example.org", PUBLIC_PAGE_CACHE_SECONDS=60).test_client()
    assert site.get("/", headers={"X-Forwarded-Proto": "https"}).status_code == 200
    cached = site.get("/", headers={"X-Forwarded-Proto": "https"})
    assert "Cached lab" in cached.get_data(as_text=True) and "Strict-Transport-Security" in cached.headers
    plain = site.get("/")
    assert plain.status_code == 301 and plain.headers["Location"] == "https://labs.example.org/"
