"""Signing in and out: generic errors, failed attempts limited, correct sign-ins never limited."""

from __future__ import annotations

import pytest

from labapp.accounts.services import set_password
from tests.factories import make_user
from tests.helpers import PASSWORD, login


@pytest.fixture
def app_config():
    return {"RATELIMIT_ENABLED": True}


def test_anonymous_visitor_of_the_dashboard_is_sent_to_sign_in(client):
    response = client.get("/dashboard/")
    assert response.status_code == 302
    assert "/account/login" in response.headers["Location"]


def test_facilitator_signs_in_and_sees_the_dashboard(client):
    user = make_user(name="Dana Facilitator")
    response = login(client, user)
    assert response.headers["Location"].endswith("/dashboard/")
    page = client.get("/dashboard/")
    assert page.status_code == 200
    assert "Upcoming sessions" in page.get_data(as_text=True)


def test_wrong_password_and_unknown_email_get_the_same_message(client):
    user = make_user()
    wrong = client.post("/account/login", data={"email": user.email, "password": "not the password"})
    unknown = client.post("/account/login", data={"email": "nobody@example.org", "password": "not the password"})
    assert wrong.status_code == unknown.status_code == 400
    message = "That email and password don&#39;t match an account"
    assert message in wrong.get_data(as_text=True)
    assert message in unknown.get_data(as_text=True)


def test_a_deactivated_user_cannot_sign_in(client):
    from labapp.accounts.services import set_active

    user = make_user()
    set_active(user_id=user.id, is_active=False)
    response = client.post("/account/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400


def test_session_cookie_is_renewed_at_sign_in(client):
    user = make_user()
    client.get("/account/login")
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    login(client, user)
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session.get("_user_id") == user.session_token  # the cookie names the token, never the id


def test_sign_out_is_a_post_and_a_get_does_nothing(client):
    user = make_user()
    login(client, user)
    assert client.get("/account/logout").status_code == 405
    assert client.get("/dashboard/").status_code == 200
    client.post("/account/logout")
    assert client.get("/dashboard/").status_code == 302


def test_login_page_only_redirects_to_this_site(client):
    user = make_user()
    response = client.post("/account/login?next=https://evil.example/",
                           data={"email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/dashboard/"


def test_five_failed_sign_ins_then_a_friendly_429(client):
    user = make_user()
    for _ in range(5):
        assert client.post("/account/login", data={"email": user.email, "password": "wrong one"}).status_code == 400
    blocked = client.post("/account/login", data={"email": user.email, "password": "wrong one"})
    assert blocked.status_code == 429
    assert "paused them for a minute" in blocked.get_data(as_text=True)


def test_failed_attempts_on_one_account_from_many_addresses_are_limited(client):
    user = make_user()
    for n in range(5):
        client.post("/account/login", data={"email": user.email, "password": "wrong"},
                    environ_base={"REMOTE_ADDR": f"10.0.0.{n + 1}"})
    blocked = client.post("/account/login", data={"email": user.email, "password": "wrong"},
                          environ_base={"REMOTE_ADDR": "10.0.0.99"})
    assert blocked.status_code == 429


def test_showing_the_page_and_correct_sign_ins_are_never_limited(client):
    user = make_user()
    for _ in range(20):
        assert client.get("/account/login").status_code in (200, 302)
    for _ in range(8):
        login(client, user)
        client.post("/account/logout")


def test_users_set_password_cli_lets_the_new_password_sign_in(runner, client):
    user = make_user()
    result = runner.invoke(args=["users", "set-password", "--email", user.email.upper(),
                                 "--password", "a brand new password"])
    assert result.exit_code == 0, result.output
    assert client.post("/account/login", data={"email": user.email, "password": PASSWORD}).status_code == 400
    login(client, user, "a brand new password")


def test_users_set_password_refuses_a_short_password(runner):
    user = make_user()
    result = runner.invoke(args=["users", "set-password", "--email", user.email, "--password", "short"])
    assert result.exit_code != 0
    assert "at least 10 characters" in result.output


def test_set_password_service_refuses_unknown_users(app):
    from labapp.accounts.errors import InvalidUser

    with pytest.raises(InvalidUser):
        set_password(user_id=999_999, password="long enough password")


def test_production_cookies_are_secure_only_behind_https(monkeypatch):
    import importlib

    import config

    monkeypatch.setenv("BASE_URL", "https://labs.example.org")
    assert importlib.reload(config).ProductionConfig.SESSION_COOKIE_SECURE is True
    monkeypatch.setenv("BASE_URL", "http://labs.example.org")
    assert importlib.reload(config).ProductionConfig.SESSION_COOKIE_SECURE is False
    monkeypatch.delenv("BASE_URL")
    importlib.reload(config)
