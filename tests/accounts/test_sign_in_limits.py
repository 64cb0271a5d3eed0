"""Sign-in limits hold under simultaneous guesses and count every spelling of an address as one account.

Run with the in-memory store and again against the real Redis at TEST_REDIS_URL (emails and client
addresses are random, so counters an earlier run left in Redis cannot interfere).
"""

from __future__ import annotations

import os
import random
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from flask import Flask

from tests.factories import make_user
from tests.helpers import PASSWORD, login

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "")


@pytest.fixture(params=[
    pytest.param("memory://", id="memory"),
    pytest.param(TEST_REDIS_URL, id="redis",
                 marks=pytest.mark.skipif(not TEST_REDIS_URL, reason="TEST_REDIS_URL is not set")),
])
def app_config(request: pytest.FixtureRequest) -> dict:
    return {"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": request.param, "RATELIMIT_LOGIN": "5 per minute"}


def an_account():
    return make_user(email=f"guessed{random.randrange(10**12)}@example.org")


def an_address() -> str:
    return "10." + ".".join(str(random.randrange(1, 255)) for _ in range(3))


def sign_in_from(app: Flask, address: str, email: str, password: str) -> int:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client.post("/account/login", data={"email": email, "password": password}).status_code


def test_thirty_simultaneous_wrong_passwords_get_at_most_five_evaluated(app):
    email = an_account().email  # read here: the threads must not touch this thread's database session
    start = threading.Barrier(30)

    def guess(n: int) -> int:
        address = an_address()
        start.wait()  # all 30 leave together, as from a botnet behind one proxy
        with app.app_context():
            return sign_in_from(app, address, email, f"wrong guess {n}")

    with ThreadPoolExecutor(max_workers=30) as pool:
        statuses = list(pool.map(guess, range(30)))
    # 400 is a password that was checked and was wrong; 429 an attempt refused before any check.
    assert statuses.count(400) <= 5
    assert statuses.count(400) + statuses.count(429) == 30
    assert statuses.count(400) >= 1  # the limit still lets some through: it counts, it doesn't block all


def test_every_spelling_of_an_address_counts_against_the_one_account(app):
    user = an_account()
    local, domain = user.email.split("@")
    spellings = [user.email.upper(), f"  {user.email}  ", f"{local}\x01@{domain}", f"{local}\t@{domain.upper()}",
                 f"{local[:3]}\x7f{local[3:]}@{domain}"]
    assert [sign_in_from(app, an_address(), email, "wrong") for email in spellings] == [400] * 5
    # The account has used up its attempts: the right password waits too (or it would reveal the guess).
    assert sign_in_from(app, an_address(), user.email, PASSWORD) == 429


def test_a_spelling_variant_signs_in_to_the_same_account(app, client):
    user = an_account()
    response = client.post("/account/login", data={"email": f" {user.email.upper()}\t", "password": PASSWORD})
    assert response.status_code == 302


def test_correct_sign_ins_give_their_attempt_back(app):
    user = an_account()
    address = an_address()
    for _ in range(10):  # twice the limit, from one address, for one account
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = address
        login(client, user)


def test_a_refused_attempt_says_when_to_try_again(app):
    user = an_account()
    for _ in range(5):
        sign_in_from(app, an_address(), user.email, "wrong")
    client = app.test_client()
    refused = client.post("/account/login", data={"email": user.email, "password": "wrong"})
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert "paused them for a minute" in refused.get_data(as_text=True)
