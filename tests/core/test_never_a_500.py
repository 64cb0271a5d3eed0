"""No request gets a 500: files where text belongs, ids past the database's range, dates no one means,
chunked bodies over the limit. Walks every route and every dashboard form, as an admin."""

from __future__ import annotations

import http.client
import io
import re
import threading
from collections.abc import Iterator
from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit

import pytest
from sqlalchemy import func, select
from werkzeug.serving import make_server

from labapp.core.urls import MAX_ID
from labapp.db import db
from labapp.registrations.links import manage_token
from labapp.registrations.models import Registration
from tests.core.test_hostile_input import MESSAGE_MARKERS, PUBLIC_FORMS, Target, freshen, snapshot
from tests.factories import make_admin, make_lab_session, make_registration, registration_form
from tests.helpers import login

HUGE = "99999999999999999999"
DATE_MESSAGE = "Please give a date between the years 2000 and 2100."


# --- A text field sent as a file -------------------------------------------------------------------

@pytest.mark.parametrize("form", PUBLIC_FORMS, ids=lambda form: form.name)
def test_a_text_field_sent_as_a_file_gets_the_form_again_with_a_message(app, form):
    lab = make_lab_session(capacity=3)
    registration = make_registration(lab, email="ana@example.edu")
    target = Target(slug=lab.slug, token=manage_token(registration))
    client = app.test_client()
    valid = freshen({name: values[0] for name, values in form.fields.items()})
    for name in form.fields:
        before = snapshot()
        body = {**valid, name: (io.BytesIO(valid[name].encode()), "answer.txt")}
        response = client.post(form.url(target), data=body, content_type="multipart/form-data")
        assert response.status_code < 500, name
        if response.status_code >= 400:
            page = response.get_data(as_text=True)
            assert any(marker in page for marker in MESSAGE_MARKERS), (name, page[:300])
            assert snapshot() == before, f"{name}: a refused request wrote something"


def test_a_name_sent_as_a_file_does_not_register_anyone(client):
    lab = make_lab_session()
    body = {**registration_form(), "full_name": (io.BytesIO(b"Ana"), "name.txt")}
    response = client.post(f"/sessions/{lab.slug}/register", data=body, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "data-error-summary" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 0


# --- Every route with ids past the database's range ------------------------------------------------

_PART = re.compile(r"<(?:(?P<converter>[a-z]+)(?:\((?P<args>[^)]*)\))?:)?(?P<name>\w+)>")


def _fill(rule: str, value: str) -> str:
    """The rule's URL with `value` in every variable part (the first choice of an `any(...)`)."""
    def part(match: re.Match) -> str:
        if match["converter"] == "any":
            return match["args"].split(",")[0].strip()
        return value

    return _PART.sub(part, rule)


def _signed_in_admin(app):
    admin = make_admin(email="walker@example.org")
    client = app.test_client()
    login(client, admin)
    return client, admin


def _request(client, admin, method: str, url: str):
    response = client.open(url, method=method)
    if response.status_code == 302 and "/account/login" in response.headers.get("Location", ""):
        login(client, admin)  # the walk signed itself out (POST /account/logout): sign in and go on
        response = client.open(url, method=method)
    response.get_data()  # streamed CSV exports run to the end, inside their own request context
    response.close()
    return response


def test_every_route_answers_ids_past_the_databases_range_without_a_500(app):
    make_lab_session()
    client, admin = _signed_in_admin(app)
    rules = sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule)
    assert sum("<id:" in rule.rule for rule in rules) >= 20
    for rule in rules:
        for value in (HUGE, str(MAX_ID + 1), str(MAX_ID), "0"):
            url = _fill(rule.rule, value)
            for method in ("GET", "POST") if "POST" in rule.methods else ("GET",):
                if method not in rule.methods:
                    continue
                response = _request(client, admin, method, url)
                assert response.status_code < 500, f"{method} {url} ({rule.endpoint})"
                if "<id:" in rule.rule and value != str(MAX_ID):
                    assert response.status_code == 404, f"{method} {url} ({rule.endpoint})"


def test_no_route_takes_a_database_id_as_a_plain_int(app):
    plain = [rule.rule for rule in app.url_map.iter_rules() if "<int:" in rule.rule]
    assert plain == []


def test_a_session_id_past_the_range_is_page_not_found(app):
    client, _ = _signed_in_admin(app)
    response = client.get(f"/dashboard/sessions/{HUGE}")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_an_agenda_part_past_the_id_range_gets_the_form_again_with_a_message(app):
    lab = make_lab_session()
    client, _ = _signed_in_admin(app)
    for part in (HUGE, str(MAX_ID + 1)):
        response = client.post(f"/dashboard/sessions/{lab.id}/agenda",
                               data={"rows-0-component_id": part, "rows-0-minutes": "10"})
        assert response.status_code == 400
        assert "data-error-summary" in response.get_data(as_text=True)


# --- Every dashboard form with dates no one means --------------------------------------------------

class _Forms(HTMLParser):
    """The forms of a page: action, method and the values a browser would send untouched."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "form":
            self.forms.append({"action": a.get("action", ""), "method": a.get("method", "get").lower(),
                               "fields": [], "dates": {}})
        elif not self.forms or "name" not in a:
            if tag == "option" and self._select and ("selected" in a or self._select not in self._names()):
                self.forms[-1]["fields"].append((self._select, a.get("value", "")))
            return
        elif tag == "input":
            kind = a.get("type", "text")
            if kind in ("date", "datetime-local"):
                self.forms[-1]["dates"][a["name"]] = kind
            elif kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.forms[-1]["fields"].append((a["name"], a.get("value", "on")))
            elif kind not in ("submit", "button"):
                self.forms[-1]["fields"].append((a["name"], a.get("value") or _typical(kind)))
        elif tag == "textarea":
            self.forms[-1]["fields"].append((a["name"], "Something to say."))
        elif tag == "select":
            self._select = a["name"]

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None

    def _names(self) -> set[str]:
        return {name for name, _ in self.forms[-1]["fields"]}


def _typical(kind: str) -> str:
    return {"number": "60", "email": "someone@example.org", "url": "https://meet.example.org/lab"}.get(kind, "Lab x")


EXTREMES = {"date": ["9999-12-31", "0001-01-01"], "datetime-local": ["9999-12-31T23:59", "0001-01-01T00:00"]}


def _dashboard_pages(app, lab_id: int) -> Iterator[str]:
    for rule in sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule):
        if rule.rule.startswith("/dashboard") and "GET" in rule.methods:
            if all(match["converter"] == "id" for match in _PART.finditer(rule.rule)):
                yield _PART.sub(str(lab_id), rule.rule)


def test_every_dashboard_form_refuses_dates_no_one_means_with_a_400_and_the_reason(app):
    lab = make_lab_session()
    client, admin = _signed_in_admin(app)
    forms_with_dates = 0
    for page_url in _dashboard_pages(app, lab.id):
        page = _request(client, admin, "GET", page_url)
        if page.status_code != 200 or not page.mimetype == "text/html":
            continue
        parser = _Forms()
        parser.feed(page.get_data(as_text=True))
        for form in (f for f in parser.forms if f["dates"]):
            forms_with_dates += 1
            action = form["action"] or page_url
            for extreme in (0, 1):
                for changed, kind in form["dates"].items():
                    fields = [*form["fields"], (changed, EXTREMES[kind][extreme])]
                    if form["method"] == "get":
                        response = client.get(f"{urlsplit(action).path}?{urlencode(fields)}")
                    else:
                        response = client.post(action, data=urlencode(fields),
                                               content_type="application/x-www-form-urlencoded")
                    label = f"{form['method']} {action} {changed}={EXTREMES[kind][extreme]}"
                    assert response.status_code == 400, label
                    assert DATE_MESSAGE in response.get_data(as_text=True), label
    assert forms_with_dates >= 3  # new session, edit session, hours


def test_a_session_in_the_year_9999_is_refused_and_nothing_is_saved(app):
    client, _ = _signed_in_admin(app)
    form = {"title": "Far future", "starts_at": "9999-12-31T23:59", "timezone": "America/New_York",
            "duration_minutes": "90", "capacity": "10", "format": "online",
            "join_url": "https://meet.example.org/x"}
    response = client.post("/dashboard/sessions/new", data=form)
    assert response.status_code == 400
    assert DATE_MESSAGE in response.get_data(as_text=True)
    assert "Far future" not in client.get("/dashboard").get_data(as_text=True)


# --- A chunked body over the limit, through a real server ------------------------------------------

@pytest.fixture
def live_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    thread.join(5)


def _post_chunked(server, path: str, body: bytes) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    pieces = (body[at:at + 65536] for at in range(0, len(body), 65536))
    connection.request("POST", path, body=pieces, encode_chunked=True,
                       headers={"Content-Type": "application/x-www-form-urlencoded"})
    response = connection.getresponse()
    response.read()
    connection.close()
    return response.status


def test_a_chunked_body_over_one_megabyte_is_refused_with_413_and_nothing_written(app, live_server):
    lab = make_lab_session()
    too_big = urlencode(registration_form(hopes="x" * (1024 * 1024 + 10))).encode()
    assert _post_chunked(live_server, f"/sessions/{lab.slug}/register", too_big) == 413
    assert _post_chunked(live_server, "/my-record", b"email=" + b"a" * (2 * 1024 * 1024)) == 413
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 0


def test_a_chunked_registration_under_the_limit_goes_through(app, live_server):
    lab = make_lab_session()
    body = urlencode(registration_form(email="chunked@example.edu", hopes="y" * 1000)).encode()
    assert _post_chunked(live_server, f"/sessions/{lab.slug}/register", body) == 302
    db.session.expire_all()
    assert db.session.scalar(select(Registration.email)) == "chunked@example.edu"
