"""One log line per request with a request id; errors logged with their traceback."""

from __future__ import annotations

import json
import logging

import pytest

from labapp import create_app
from tests.factories import make_lab_session, make_registration


def request_lines(caplog: pytest.LogCaptureFixture) -> list[dict]:
    return [json.loads(r.getMessage()) for r in caplog.records if r.name == "labapp.request"]


def test_each_request_is_logged_as_one_json_line(client, caplog):
    caplog.set_level(logging.INFO)
    response = client.get("/protocol", headers={"X-Request-ID": "nginx-abc123"})
    [line] = request_lines(caplog)
    assert line["method"] == "GET"
    assert line["path"] == "/protocol"
    assert line["status"] == 200
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["request_id"] == "nginx-abc123" == response.headers["X-Request-ID"]


def test_a_request_id_is_generated_when_the_proxy_sends_none(client):
    first = client.get("/").headers["X-Request-ID"]
    second = client.get("/").headers["X-Request-ID"]
    assert len(first) >= 16 and first != second


@pytest.mark.parametrize("junk", ['a" b', "x" * 500, "id\tforged-line"])
def test_a_malformed_request_id_is_replaced_not_written_to_the_log(client, junk):
    assert client.get("/", headers={"X-Request-ID": junk}).headers["X-Request-ID"] != junk


def test_manage_links_never_appear_in_the_log(client, caplog):
    from labapp.registrations.links import manage_token

    registration = make_registration(make_lab_session())
    token = manage_token(registration)
    caplog.set_level(logging.INFO)
    assert client.get(f"/manage/{token}").status_code == 200
    assert token not in caplog.text
    assert request_lines(caplog)[0]["path"] == "/manage/[redacted]"


def test_refused_requests_are_logged_with_their_status(client, caplog):
    caplog.set_level(logging.INFO)
    client.get("/sessions/not-a-session")
    assert request_lines(caplog)[0]["status"] == 404


def test_health_checks_stay_out_of_the_info_log(client, caplog):
    caplog.set_level(logging.INFO)
    client.get("/healthz")
    assert request_lines(caplog) == []


def test_an_unexpected_error_is_logged_with_traceback_and_shows_a_reference(caplog):
    def boom() -> str:
        raise ZeroDivisionError("deliberate")

    app = create_app("testing", TESTING=False, SQLALCHEMY_DATABASE_URI="sqlite://")  # as in production
    app.add_url_rule("/boom-for-test", "boom_for_test", boom)
    caplog.set_level(logging.INFO)
    response = app.test_client().get("/boom-for-test", headers={"X-Request-ID": "req-500"})
    assert response.status_code == 500
    assert b"Something went wrong on our side" in response.data
    assert b"req-500" in response.data
    [error] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert error.exc_info and error.exc_info[0] is ZeroDivisionError
    assert error.request_id == "req-500"
    assert request_lines(caplog)[-1]["status"] == 500
