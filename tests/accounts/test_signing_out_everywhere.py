"""Signing out, a new password and "Sign out everywhere" end the session: a copied cookie stops working."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from labapp.accounts.services import make_reset_token, set_active
from tests.factories import make_user, now_utc
from tests.helpers import PASSWORD, login


def signed_in(app: Flask, user) -> tuple[FlaskClient, str]:
    """A browser signed in as `user`, and a copy of its session cookie (what a thief would take)."""
    browser = app.test_client()
    login(browser, user)
    assert browser.get("/dashboard/").status_code == 200
    return browser, browser.get_cookie("session").value


def replay(app: Flask, cookie: str) -> int:
    """Open the dashboard from another machine with a copied session cookie; the status it gets."""
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    # Its own app context, as every real request has: nothing cached in `g` by earlier requests.
    with app.app_context():
        return thief.get("/dashboard/").status_code


def test_a_copied_cookie_works_while_the_session_lasts(app, client):
    user = make_user()
    _, cookie = signed_in(app, user)
    assert replay(app, cookie) == 200  # the control: the cookie itself is what the tests below replay


def test_a_copied_cookie_stops_working_after_signing_out(app):
    user = make_user()
    browser, cookie = signed_in(app, user)
    browser.post("/account/logout")
    assert replay(app, cookie) == 302
    assert "/account/login" in app.test_client().get("/dashboard/").headers["Location"]


def test_a_password_reset_signs_out_every_browser(app):
    user = make_user()
    _, cookie = signed_in(app, user)
    path = f"/account/reset/{make_reset_token(user, now=now_utc())}"
    other = app.test_client()
    assert other.post(path, data={"password": "my new long password",
                                  "confirm": "my new long password"}).status_code == 302
    assert replay(app, cookie) == 302
    login(app.test_client(), user, "my new long password")


def test_sign_out_everywhere_on_the_account_page_ends_every_session(app):
    user = make_user(name="Dana Facilitator")
    laptop, laptop_cookie = signed_in(app, user)
    phone, phone_cookie = signed_in(app, user)
    page = phone.get("/dashboard/").get_data(as_text=True)
    assert 'href="/account/"' in page  # the account page is linked from the dashboard
    account = phone.get("/account/")
    assert account.status_code == 200
    assert "Dana Facilitator" in account.get_data(as_text=True)
    assert "Sign out everywhere" in account.get_data(as_text=True)
    done = phone.post("/account/sign-out-everywhere", follow_redirects=True)
    assert "signed out in every browser" in done.get_data(as_text=True)
    assert replay(app, laptop_cookie) == replay(app, phone_cookie) == 302
    assert phone.get("/account/").status_code == 302
    login(laptop, user)  # signing in again works
    assert laptop.get("/dashboard/").status_code == 200


def test_deactivating_an_account_ends_its_sessions_and_reactivating_does_not_revive_them(app):
    user = make_user()
    _, cookie = signed_in(app, user)
    set_active(user_id=user.id, is_active=False)
    set_active(user_id=user.id, is_active=True)
    assert replay(app, cookie) == 302


def test_sign_out_everywhere_needs_a_signed_in_post(app, client):
    assert client.get("/account/sign-out-everywhere").status_code == 405
    assert client.post("/account/sign-out-everywhere").status_code == 302  # to the sign-in page
    assert client.get("/account/").status_code == 302


def test_a_cookie_from_before_session_tokens_signs_nobody_in(app, client):
    user = make_user()
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)  # what cookies held before migration 0011
    assert client.get("/dashboard/").status_code == 302
    assert re.fullmatch(r"[\w-]{43}", user.session_token)


def test_a_wrong_password_does_not_end_anyones_session(app):
    user = make_user()
    _, cookie = signed_in(app, user)
    app.test_client().post("/account/login", data={"email": user.email, "password": "not " + PASSWORD})
    assert replay(app, cookie) == 200
