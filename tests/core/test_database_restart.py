"""PostgreSQL drops every connection while people register: nothing acknowledged is lost, and the web
app and the worker carry on without a restart.

The connections are ended with pg_terminate_backend (what a restart does to them), and only the ones
this test's app opened, marked by their application_name: others share this server.
"""

from __future__ import annotations

import http.client
import threading
from datetime import timedelta
from urllib.parse import urlencode

import psycopg
import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from labapp.db import db
from labapp.registrations.models import Registration, RegistrationStatus
from labapp.sessions.models import LabSession
from labapp.worker import run_pass
from tests.conftest import TEST_DATABASE_URL
from tests.factories import make_lab_session, make_registration, now_utc, registration_form

APP_NAME = "labapp-restart-test"
PEOPLE, CLIENTS, KILL_AFTER = 60, 4, (8, 20, 35, 50)


@pytest.fixture
def app_config(backend):
    if backend != "postgresql":
        return {}
    return {"SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "connect_args": {"application_name": APP_NAME}}}


def terminate_app_connections() -> int:
    """End every connection this test's app holds to its own database; returns how many."""
    with psycopg.connect(TEST_DATABASE_URL, autocommit=True, application_name="labapp-restart-test-killer") as conn:
        rows = conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND application_name = %s AND pid <> pg_backend_pid()",
            (APP_NAME,),
        ).fetchall()
    return sum(1 for (ended,) in rows if ended)


def _register(port: int, slug: str, email: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    body = urlencode(registration_form(email=email))
    connection.request("POST", f"/sessions/{slug}/register", body=body,
                       headers={"Content-Type": "application/x-www-form-urlencoded"})
    status = connection.getresponse().status
    connection.close()
    return status


def test_connections_dropped_mid_registration_lose_nothing_acknowledged(app, backend):
    if backend != "postgresql":
        pytest.skip("a PostgreSQL server restart; SQLite has no server")
    lab = make_lab_session(capacity=PEOPLE // 2)
    slug, lab_id = lab.slug, lab.id
    db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()

    acknowledged: list[str] = []
    statuses: list[int] = []
    progress = threading.Condition()
    done = threading.Event()

    def client(number: int) -> None:
        for n in range(number, PEOPLE, CLIENTS):
            email = f"restart{n}@example.edu"
            status = _register(server.port, slug, email)
            with progress:
                statuses.append(status)
                if status == 302:
                    acknowledged.append(email)
                progress.notify_all()

    def killer() -> None:
        # Drop the connections when the registrations reach each mark, so some requests are in flight.
        for mark in KILL_AFTER:
            with progress:
                progress.wait_for(lambda mark=mark: len(statuses) >= mark or done.is_set())
            if done.is_set():
                return
            killed.append(terminate_app_connections())

    killed: list[int] = []
    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    chaos = threading.Thread(target=killer)
    for thread in [chaos, *threads]:
        thread.start()
    for thread in threads:
        thread.join(120)
    done.set()
    with progress:
        progress.notify_all()
    chaos.join(10)

    assert sum(killed) >= len(KILL_AFTER), f"connections ended per round: {killed}"
    assert set(statuses) <= {302, 503}, statuses  # a dropped connection is "briefly unavailable", never a 500
    saved = set(db.session.scalars(select(Registration.email).where(Registration.lab_session_id == lab_id)))
    assert set(acknowledged) <= saved, f"acknowledged but lost: {set(acknowledged) - saved}"
    assert len(acknowledged) >= PEOPLE - 2 * len(KILL_AFTER) * CLIENTS

    # The same processes go on: a registration after the last drop is acknowledged, counts agree with rows.
    db.session.remove()
    terminate_app_connections()
    assert _register(server.port, slug, "after@example.edu") == 302
    server.shutdown()
    rows = db.session.execute(select(Registration.status).where(Registration.lab_session_id == lab_id)).all()
    confirmed = sum(1 for (status,) in rows if status == RegistrationStatus.CONFIRMED)
    assert confirmed == min(PEOPLE // 2, len(rows))  # never overbooked, no seat left empty
    assert db.session.get(LabSession, lab_id).confirmed_count == confirmed


def test_the_worker_carries_on_after_its_connections_are_dropped(app, backend, smtp):
    if backend != "postgresql":
        pytest.skip("a PostgreSQL server restart; SQLite has no server")
    lab_id = make_lab_session().id
    make_registration(db.session.get(LabSession, lab_id), email="first@example.edu")
    run_pass(now=now_utc() + timedelta(seconds=1))
    assert terminate_app_connections() >= 1  # the worker's idle pooled connection
    make_registration(db.session.get(LabSession, lab_id), email="second@example.edu")
    run_pass(now=now_utc() + timedelta(seconds=2))
    assert len(smtp.to("first@example.edu")) == 1 and len(smtp.to("second@example.edu")) == 1
