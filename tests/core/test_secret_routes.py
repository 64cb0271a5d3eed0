"""Secrets in URLs stay out of every log: the app's request log and the nginx example follow one list."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import pytest

from labapp.core.secret_routes import SECRET_ROUTES, SECRET_VIEW_ARGS, covers, redact_path
from tests.factories import make_lab_session, make_registration

NGINX_CONF = Path(__file__).resolve().parents[2] / "deploy" / "nginx-labapp.conf"
SECRET = "Zx9-SECRET-tok3n"


def nginx_redaction_map() -> tuple[dict[str, str], list[tuple[re.Pattern[str], str]], str]:
    """The `map $uri $labapp_loggable_uri` block: exact entries, regex entries in order, default."""
    text = NGINX_CONF.read_text()
    block = re.search(r"map \$uri \$labapp_loggable_uri \{(.*?)\n\}", text, re.S)
    assert block, "deploy/nginx-labapp.conf has no `map $uri $labapp_loggable_uri` block"
    exact, regexes, default = {}, [], ""
    for line in block.group(1).splitlines():
        line = line.split("#")[0].strip()
        if not line:
            continue
        key, value = line.rstrip(";").split(None, 1)
        value = value.strip()
        if key == "default":
            default = value
        elif key.startswith("~"):
            # nginx uses PCRE: (?<name>…) is Python's (?P<name>…).
            regexes.append((re.compile(key[1:].replace("(?<", "(?P<")), value))
        else:
            exact[key] = value
    return exact, regexes, default


def nginx_logs(uri: str) -> str:
    """What nginx writes for this $uri, evaluated as nginx evaluates a map (exact, then regexes in order)."""
    exact, regexes, default = nginx_redaction_map()
    if uri in exact:
        return exact[uri]
    for pattern, value in regexes:
        match = pattern.search(uri)
        if match:
            groups = {name: text or "" for name, text in match.groupdict().items()}
            return re.sub(r"\$(\w+)", lambda m, found=groups: found.get(m.group(1), ""), value)
    return uri if default == "$uri" else default


def example_paths(rule: str) -> list[str]:
    """The listed rule filled in with a secret token (and 42 for ids), alone and with a page under it."""
    path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>",
                  lambda m: SECRET if m.group(1) in SECRET_VIEW_ARGS else "42", rule)
    return [path, path + "/cancel", path + "/record.csv"]


@pytest.mark.parametrize("rule", SECRET_ROUTES)
def test_the_nginx_access_log_redacts_every_secret_route(rule):
    for path in example_paths(rule):
        logged = nginx_logs(path)
        assert SECRET not in logged, f"nginx would log {path} as {logged}"
        assert "[redacted]" in logged and logged.startswith(rule.split("<")[0])


@pytest.mark.parametrize("rule", SECRET_ROUTES)
def test_the_app_log_redacts_every_secret_route(rule):
    for path in example_paths(rule):
        assert SECRET not in redact_path(path)
        assert redact_path(path) == nginx_logs(path)  # both logs say the same


def test_every_route_with_a_token_in_its_url_is_in_the_list(app):
    # A new route with a <token> fails here until it is added to SECRET_ROUTES (and so to nginx).
    with_secrets = [rule.rule for rule in app.url_map.iter_rules() if set(rule.arguments) & SECRET_VIEW_ARGS]
    assert with_secrets, "expected the manage, reset, record and stop-reminders routes"
    assert [rule for rule in with_secrets if not covers(rule)] == []


def test_pages_that_carry_no_secret_are_logged_as_they_are():
    for path in ("/", "/my-record", "/account/reset", "/account/login", "/sessions/some-slug"):
        assert redact_path(path) == nginx_logs(path) == path
    assert nginx_logs("/my-record/sent") == "/my-record/sent"


def request_paths(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [json.loads(r.getMessage())["path"] for r in caplog.records if r.name == "labapp.request"]


def test_reset_record_and_stop_reminder_links_never_appear_in_the_request_log(client, caplog):
    from labapp.reminders.emails import stop_token

    registration = make_registration(make_lab_session())
    stop = stop_token(registration)
    caplog.set_level(logging.INFO)
    client.get(f"/account/reset/{SECRET}")
    client.get(f"/my-record/{SECRET}")
    client.get(f"/my-record/{SECRET}/record.csv")
    client.get(f"/reminders/stop/{registration.id}/{stop}")
    client.get(f"/manage//{SECRET}")  # unmatched spellings too
    client.get("/my-record/sent")
    assert SECRET not in caplog.text and stop not in caplog.text
    assert request_paths(caplog) == [
        "/account/reset/[redacted]", "/my-record/[redacted]", "/my-record/[redacted]/record.csv",
        f"/reminders/stop/{registration.id}/[redacted]", "/manage//[redacted]", "/my-record/sent",
    ]
