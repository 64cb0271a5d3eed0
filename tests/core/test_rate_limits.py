"""Abuse limits: generous enough for a school sharing one address, firm against scripts.

Each test runs with the in-memory store and again against the real Redis at TEST_REDIS_URL
(CI sets it; without it the Redis runs skip). Every test uses its own made-up client address
and emails, so counters left in Redis by an earlier run cannot interfere.
"""

from __future__ import annotations

import os
import random
import types
from collections.abc import Callable, Iterator

import limits.storage.memory
import pytest
from flask import Flask
from flask.testing import FlaskClient
from limits import parse_many

from labapp import create_app
from labapp.db import db
from labapp.registrations.links import manage_token
from labapp.registrations.models import Registration
from tests.factories import make_lab_session, make_registration, registration_form
from tests.helpers import outbox, resolve_mail_requests

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "")
STORAGES = [
    pytest.param("memory://", id="memory"),
    pytest.param(
        TEST_REDIS_URL, id="redis", marks=pytest.mark.skipif(not TEST_REDIS_URL, reason="TEST_REDIS_URL is not set")
    ),
]


@pytest.fixture(params=STORAGES)
def app_config(request: pytest.FixtureRequest) -> dict:
    return {"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": request.param}


@pytest.fixture
def another_app(app: Flask) -> Iterator[Callable[[], Flask]]:
    """Another app on the same settings and database: what a second gunicorn worker is."""
    built: list[Flask] = []

    def build() -> Flask:
        built.append(create_app("testing", **dict(app.config)))
        return built[-1]

    yield build
    for other in built:
        with other.app_context():
            db.engine.dispose()


def visitor(app: Flask) -> FlaskClient:
    """A browser at an address no other test (or earlier run) used."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "10." + ".".join(str(random.randrange(1, 255)) for _ in range(3))
    return client


class FakeTime:
    """Stands in for the `time` module inside the in-memory limit store, so a test can let an hour pass."""

    def __init__(self) -> None:
        self.now = 1_900_000_000.0

    def time(self) -> float:
        return self.now


def register(client: FlaskClient, slug: str) -> int:
    return client.post(f"/sessions/{slug}/register", data=registration_form()).status_code


def test_the_eleventh_registration_in_a_minute_gets_a_friendly_please_wait_page(app):
    lab = make_lab_session(capacity=50)
    client = visitor(app)
    assert [register(client, lab.slug) for _ in range(10)] == [302] * 10
    response = client.post(f"/sessions/{lab.slug}/register", data=registration_form())
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert "Too many tries" in page and "wait a minute" in page
    assert "See upcoming sessions" in page  # the site's own page, with a way onwards
    assert int(response.headers["Retry-After"]) <= 60
    assert db.session.query(Registration).count() == 10


def test_another_address_can_still_register_when_one_is_limited(app):
    lab = make_lab_session(capacity=50)
    busy = visitor(app)
    for _ in range(11):
        register(busy, lab.slug)
    assert register(visitor(app), lab.slug) == 302


def test_a_school_sharing_one_address_registers_30_people_in_an_hour(app, another_app, monkeypatch, app_config):
    if not app_config["RATELIMIT_STORAGE_URI"].startswith("memory"):
        pytest.skip("Redis expires keys on its own clock; the hourly window is checked with the memory store")
    clock = FakeTime()
    monkeypatch.setattr(limits.storage.memory, "time", types.SimpleNamespace(time=clock.time))
    app = another_app()  # its limit store starts on the fake clock
    lab = make_lab_session(capacity=100)
    client = visitor(app)
    statuses = []
    for minute in range(3):
        clock.now += 61 * (minute > 0)
        statuses += [register(client, lab.slug) for _ in range(10)]
    assert statuses == [302] * 30


@pytest.mark.parametrize("window_seconds, people", [(60, 10), (3600, 30)])
def test_the_configured_registration_limit_never_refuses_normal_use(app, window_seconds, people):
    # Contract: at least 30 registrations an hour from one IP and 10 a minute, whatever the operator sets.
    for item in parse_many(app.config["RATELIMIT_REGISTRATION"]):
        seconds = item.get_expiry()
        guaranteed = item.amount * max(1, window_seconds // seconds)
        assert guaranteed >= people, f"{item} refuses the {guaranteed + 1}th registration in {window_seconds}s"


def test_link_resends_are_limited_per_address(app):
    lab = make_lab_session()
    email = f"limit{random.randrange(10**9)}@example.edu"
    make_registration(lab, email=email)
    sent_before = len(outbox())
    statuses = [
        visitor(app).post(f"/sessions/{lab.slug}/resend-link", data={"email": email.upper()}).status_code
        for _ in range(6)
    ]
    assert statuses == [302] * 5 + [429]  # from different addresses: the inbox is what is protected
    resolve_mail_requests()
    assert len(outbox()) == sent_before + 5
    other = f"other{random.randrange(10**9)}@example.edu"
    assert visitor(app).post(f"/sessions/{lab.slug}/resend-link", data={"email": other}).status_code == 302


def test_showing_the_resend_page_is_never_limited(app):
    lab = make_lab_session()
    client = visitor(app)
    assert {client.get(f"/sessions/{lab.slug}/resend-link").status_code for _ in range(40)} == {200}


def test_updating_through_a_manage_link_is_limited_per_address(app):
    registration = make_registration(make_lab_session())
    token = manage_token(registration)
    client = visitor(app)
    form = {"full_name": "Ana Díaz", "role": "teacher", "organisation": "Westview High"}
    statuses = [client.post(f"/manage/{token}", data=form).status_code for _ in range(31)]
    assert statuses == [302] * 30 + [429]


def test_limits_in_redis_hold_across_workers(app, another_app, app_config):
    if not app_config["RATELIMIT_STORAGE_URI"].startswith("redis"):
        pytest.skip("only a shared store can hold a limit across worker processes")
    lab = make_lab_session(capacity=50)
    address = visitor(app).environ_base["REMOTE_ADDR"]
    first_worker = app.test_client()
    first_worker.environ_base["REMOTE_ADDR"] = address
    for _ in range(10):
        assert register(first_worker, lab.slug) == 302
    second_worker = another_app().test_client()  # a fresh limiter with its own Redis connection
    second_worker.environ_base["REMOTE_ADDR"] = address
    assert register(second_worker, lab.slug) == 429


def spellings(email: str) -> list[str]:
    """The same address as people (and attackers) type it: case, spaces, control characters."""
    local, domain = email.split("@")
    return [email, email.upper(), f"  {email} ", f"{local}\x01@{domain}", f"{local}\t@{domain.upper()}",
            f"{local[:2]}\x7f{local[2:]}@{domain}"]


def test_password_reset_requests_are_limited_per_account_in_any_spelling(app):
    from tests.factories import make_user

    user = make_user(email=f"reset{random.randrange(10**9)}@example.org")
    statuses = [visitor(app).post("/account/reset", data={"email": typed}).status_code
                for typed in spellings(user.email)]
    assert statuses == [200] * 5 + [429]


def test_link_resends_are_limited_per_address_in_any_spelling(app):
    lab = make_lab_session()
    email = f"variant{random.randrange(10**9)}@example.edu"
    make_registration(lab, email=email)
    responses = [visitor(app).post(f"/sessions/{lab.slug}/resend-link", data={"email": typed})
                 for typed in spellings(email)]
    assert [response.status_code for response in responses] == [302] * 5 + [429]
    refused = responses[-1]
    assert 60 < int(refused.headers["Retry-After"]) <= 3600  # the hour this address has to wait out
    assert "Please try again in about" in refused.get_data(as_text=True)


def test_my_record_sends_one_email_per_address_per_ten_minutes_with_the_same_page(app, monkeypatch, app_config):
    clock = FakeTime()
    if app_config["RATELIMIT_STORAGE_URI"].startswith("memory"):
        monkeypatch.setattr(limits.storage.memory, "time", types.SimpleNamespace(time=clock.time))
    lab = make_lab_session()
    email = f"record{random.randrange(10**9)}@example.edu"
    make_registration(lab, email=email)
    pages = [visitor(app).post("/my-record", data={"email": typed}, follow_redirects=True)
             for typed in spellings(email)[:3]]
    assert len({(page.status_code, page.get_data(as_text=True)) for page in pages}) == 1
    assert pages[0].status_code == 200
    resolve_mail_requests()
    assert [m.to_address for m in outbox("record_link")] == [email]
    if app_config["RATELIMIT_STORAGE_URI"].startswith("memory"):
        clock.now += 601  # Redis expires keys on its own clock; the window is checked with the memory store
        visitor(app).post("/my-record", data={"email": email})
        resolve_mail_requests()
        assert len(outbox("record_link")) == 2


def test_no_view_hard_codes_a_limit():
    # Every number lives in config.py (README, Configuration): a literal here would escape operators.
    import ast
    from pathlib import Path

    import labapp

    found = []
    for path in Path(labapp.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in (
                    "limit", "count_attempt"):
                values = [*node.args, *(k.value for k in node.keywords if k.arg == "limit")]
                if any(isinstance(v, ast.Constant) and isinstance(v.value, str) for v in values):
                    found.append(f"{path.name}:{node.lineno}")
    assert found == []
