"""Public site under load, each figure against a bare baseline measured in the same run.

Both servers run under gunicorn with deploy/gunicorn.conf.py and 2 workers; labapp in production mode on
PostgreSQL (BENCH_DATABASE_URL, default database bench_9 on 127.0.0.1, recreated each run) with
RATELIMIT_ENABLED=false and 30 upcoming sessions. The baseline (benchmarks/baseline_app.py) returns a
page of exactly the same size, and for the rush INSERTs each POSTed form as one row on the same
PostgreSQL. Targets (issue 18): `/` >= 80% of the bare page's requests/second, a session page >= 60%;
a rush of 500 people for 30 seats (16 clients) at >= 0.3x the bare INSERT route's registrations/second
with p99 < 150 ms, exactly 30 confirmed and 470 waitlisted, and every email true (seat and invite, or
the true place in line). Also measured: registration POST latency on a 10,000-seat session (issue 9).
"""

from __future__ import annotations

import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import psycopg

from benchmarks import loadgen

ROOT = Path(__file__).resolve().parent.parent
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres:postgres@127.0.0.1:5432/bench_9")
SECONDS = float(os.environ.get("BENCH_SECONDS", "3"))  # per measurement
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "2"))  # interleaved; the best round of each side is kept
BURST_PEOPLE, BURST_SEATS, BURST_CLIENTS = 500, 30, 16
PAGE_TARGETS = {"/": 0.8, "session page": 0.6}
RUSH_TARGET, RUSH_P99_MS = 0.3, 150
ZONES = ["America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles", "Europe/London"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def recreate_database() -> None:
    """Create the bench database if missing and empty it, then migrate it to head."""
    parts = urlsplit(DATABASE_URL)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None:
            conn.execute(f'CREATE DATABASE "{name}"')
    with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    env = {**os.environ, "LABAPP_CONFIG": "development", "DATABASE_URL": DATABASE_URL}
    subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env,
                   check=True, capture_output=True)
    from benchmarks.baseline_app import CREATE_TABLE

    with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
        conn.execute(CREATE_TABLE)


def seed() -> dict[str, str]:
    """30 upcoming published sessions; returns the slugs the bench uses."""
    sys.path.insert(0, str(ROOT))
    from labapp import create_app
    from labapp.db import db
    from labapp.sessions.models import SessionFormat
    from labapp.sessions.services import SessionFields, create_session

    app = create_app("development", SQLALCHEMY_DATABASE_URI=DATABASE_URL)
    now = datetime.now(UTC).replace(microsecond=0)
    slugs = {}
    with app.app_context():
        for n in range(30):
            fmt = [SessionFormat.ONLINE, SessionFormat.IN_PERSON, SessionFormat.HYBRID][n % 3]
            capacity = 10_000 if n == 0 else BURST_SEATS if n <= ROUNDS else 12
            lab = create_session(
                fields=SessionFields(
                    title=f"Conversation Lab {n + 1}: listening to families who are rarely heard",
                    summary="Who are our underserved students, and what are they and their families experiencing?",
                    starts_at=now + timedelta(days=1 + n, hours=n % 7),
                    timezone=ZONES[n % len(ZONES)],
                    duration_minutes=90,
                    capacity=capacity,
                    format=fmt,
                    location="" if fmt == SessionFormat.ONLINE else "Lincoln Middle School, Room 12",
                    join_url="https://meet.example.org/lab",
                ),
                publish=True,
                now=now,
            )
            slugs["latency" if n == 0 else f"burst{n}" if n <= ROUNDS else f"s{n}"] = lab.slug
        db.engine.dispose()
    return slugs


@contextmanager
def gunicorn(app_path: str, env: dict[str, str], log: Path):
    """Start gunicorn with deploy/gunicorn.conf.py on a free port; yield the port."""
    port = free_port()
    # deploy/gunicorn.conf.py as production runs it (2 workers), for both sides; BENCH_THREADS overrides
    # threads and BENCH_WORKERS the number of workers, for trying other settings.
    full_env = {**os.environ, **env, "GUNICORN_BIND": f"127.0.0.1:{port}",
                "WEB_CONCURRENCY": os.environ.get("BENCH_WORKERS", "2"), "GUNICORN_MAX_REQUESTS": "0"}
    if os.environ.get("BENCH_THREADS"):
        full_env["GUNICORN_THREADS"] = os.environ["BENCH_THREADS"]
    gunicorn_bin = Path(sys.executable).parent / "gunicorn"
    with log.open("w") as out:
        process = subprocess.Popen([str(gunicorn_bin), "-c", "deploy/gunicorn.conf.py", app_path], cwd=ROOT,
                                   env=full_env, stdout=out, stderr=out)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn for {app_path} did not start; see {log}") from None
                time.sleep(0.2)
        yield port
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def get(path: str) -> loadgen.Request:
    return ("GET", path, {}, b"")


def body_size(port: int, path: str) -> int:
    import asyncio

    response = asyncio.run(loadgen.fetch(port, get(path)))
    assert response.status == 200, (path, response.status)
    return len(response.body)


def registration_client(port: int, slug: str) -> tuple[str, str]:
    """A visitor's session cookie and CSRF token, as a browser gets them from the session page."""
    import asyncio

    response = asyncio.run(loadgen.fetch(port, get(f"/sessions/{slug}")))
    cookie = response.header("Set-Cookie")[0].split(";", 1)[0]
    token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', response.body)
    assert token, "no CSRF token on the session page"
    return cookie, token.group(1).decode()


def registration_requests(port: int, slug: str, clients: int, *, bare: bool = False):
    """A request factory: each client posts the form as a new person each time.

    `bare`: the same form, with a cookie and token of the same size, to the baseline's INSERT route.
    """
    identities = ([registration_client(port, slug) for _ in range(clients)] if not bare else
                  [(f"session={'c' * 90}", "t" * 91)] * clients)
    run_id = secrets.token_hex(3)
    action = "insert" if bare else "register"

    def make(client: int, serial: int) -> loadgen.Request:
        cookie, token = identities[client]
        form = {
            "csrf_token": token, "full_name": f"Bench Person {client}-{serial}",
            "email": f"bench-{run_id}-{client}-{serial}@example.edu", "role": "teacher",
            "organisation": "Westview High", "focus_populations": "english_learners", "consent": "y",
            "hopes": "How to hear from families we rarely hear from.",
        }
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
        return ("POST", f"/sessions/{slug}/{action}", headers, urlencode(form).encode())

    return make


def seat_counts(slug: str) -> dict[str, int]:
    with psycopg.connect(DATABASE_URL) as conn:
        rows = conn.execute(
            "SELECT r.status, count(*) FROM registrations r JOIN lab_sessions s ON s.id = r.lab_session_id "
            "WHERE s.slug = %s GROUP BY r.status", (slug,)
        ).fetchall()
    return {status: count for status, count in rows}


def untrue_emails(slug: str) -> int:
    """Registrations of the session whose email does not say what the lock decided (0 when all are true)."""
    with psycopg.connect(DATABASE_URL) as conn:
        rows = conn.execute(
            "SELECT r.id, r.status, o.subject, o.text_body, o.html_body, o.calendar_ics FROM registrations r "
            "JOIN lab_sessions s ON s.id = r.lab_session_id LEFT JOIN outbox_messages o ON o.registration_id = r.id "
            "WHERE s.slug = %s ORDER BY r.id", (slug,)
        ).fetchall()
    wrong, place, seen = 0, 0, set()
    for registration_id, status, subject, text_body, html_body, invite in rows:
        if registration_id in seen or subject is None:
            wrong += 1  # two emails, or none
            continue
        seen.add(registration_id)
        if status == "confirmed":
            wrong += not (subject.startswith("Confirmed:") and invite)
        else:
            place += 1
            line = f"number {place} in line"
            wrong += not (subject.startswith("Waitlist:") and invite is None and line in text_body
                          and line in html_body)
    return wrong


def best(results: list[loadgen.Result]) -> loadgen.Result:
    return max(results, key=lambda r: r.rps)


def run() -> list[str]:
    recreate_database()
    slugs = seed()
    lines: list[str] = []
    logs = Path(tempfile.mkdtemp(prefix="labapp-bench-"))
    app_env = {
        "LABAPP_CONFIG": "production", "DATABASE_URL": DATABASE_URL, "SECRET_KEY": secrets.token_urlsafe(32),
        "RATELIMIT_ENABLED": "false", "LOG_LEVEL": "INFO", "PROXY_FIX_HOPS": "0",
    }
    with gunicorn("wsgi:app", {**app_env, "BASE_URL": "http://127.0.0.1"}, logs / "labapp.log") as app_port, \
            gunicorn("benchmarks.baseline_app:app", {"BASELINE_DATABASE_URL": DATABASE_URL},
                     logs / "baseline.log") as base_port:
        pages = {"/": "/", "session page": f"/sessions/{slugs['s5']}"}
        sizes = {name: body_size(app_port, path) for name, path in pages.items()}
        lines.append("page sizes: " + ", ".join(f"{name} {size} bytes" for name, size in sizes.items()))
        for clients in (16, 64):
            for name, path in pages.items():
                app_runs, base_runs = [], []
                for _ in range(ROUNDS):  # interleaved, so a busy moment on this shared machine hits both sides
                    base_runs.append(loadgen.run(base_port, lambda c, s, n=sizes[name]: get(f"/bytes/{n}"),
                                                 clients=clients, seconds=SECONDS))
                    app_runs.append(loadgen.run(app_port, lambda c, s, p=path: get(p), clients=clients,
                                                seconds=SECONDS))
                app_result, base_result = best(app_runs), best(base_runs)
                bad = sum(n for status, n in app_result.statuses.items() if status != 200) + app_result.errors
                ratio = app_result.rps / base_result.rps
                goal = PAGE_TARGETS[name]
                target = f"  (target >= {goal:.0%}: " + ("met" if ratio >= goal else "MISSED") + ")"
                lines.append(
                    f"{name:<12} {clients:>2} clients: {app_result.rps:7.0f} req/s vs baseline "
                    f"{base_result.rps:7.0f} req/s = {ratio:5.1%}{target}; p99 {app_result.percentile(99):.0f} ms"
                    + (f"; {bad} non-200/errors" if bad else "")
                )

        # Like the pages, the best of ROUNDS rounds (all shown): noise on this shared machine only adds.
        rounds = [loadgen.run(app_port, registration_requests(app_port, slugs["latency"], 16), clients=16,
                              seconds=SECONDS * 1.5) for _ in range(ROUNDS)]
        latency = min(rounds, key=lambda r: r.percentile(99))
        ok = sum(r.statuses.get(302, 0) for r in rounds)
        lines.append(
            f"registration POST, 16 clients: {latency.rps:.0f} req/s, p50 {latency.percentile(50):.0f} ms, "
            f"p99 {latency.percentile(99):.0f} ms (target < 100 ms: "
            f"{'met' if latency.percentile(99) < 100 else 'MISSED'}); rounds' p99: "
            + ", ".join(f"{r.percentile(99):.0f}" for r in rounds)
            + f" ms; {ok}/{sum(r.count for r in rounds)} answered 302"
        )

        # The rush, interleaved with the bare INSERT route: ROUNDS fresh 30-seat sessions, 500 people each.
        app_rushes, base_rushes, verdicts = [], [], []
        for n in range(1, ROUNDS + 1):
            slug = slugs[f"burst{n}"]
            base_rushes.append(loadgen.run(base_port, registration_requests(base_port, slug, BURST_CLIENTS, bare=True),
                                           clients=BURST_CLIENTS, seconds=120, max_requests=BURST_PEOPLE, warmup=0))
            app_rushes.append(loadgen.run(app_port, registration_requests(app_port, slug, BURST_CLIENTS),
                                          clients=BURST_CLIENTS, seconds=120, max_requests=BURST_PEOPLE, warmup=0))
            counts = seat_counts(slug)
            verdicts.append((counts.get("confirmed", 0), counts.get("waitlisted", 0), untrue_emails(slug)))
        rush, base_rush = best(app_rushes), best(base_rushes)
        ratio = rush.rps / base_rush.rps
        correct = all(v == (BURST_SEATS, BURST_PEOPLE - BURST_SEATS, 0) for v in verdicts)
        met = ratio >= RUSH_TARGET and rush.percentile(99) < RUSH_P99_MS and correct
        lines.append(
            f"rush, {BURST_PEOPLE} people for {BURST_SEATS} seats, {BURST_CLIENTS} clients: {rush.rps:.0f} "
            f"registrations/s vs bare INSERT {base_rush.rps:.0f}/s = {ratio:.2f}x, p99 {rush.percentile(99):.0f} ms "
            f"(bare {base_rush.percentile(99):.0f} ms); rounds: "
            + ", ".join(f"{a.rps:.0f}/{b.rps:.0f}/s p99 {a.percentile(99):.0f} ms"
                        for a, b in zip(app_rushes, base_rushes, strict=True))
            + f" (target >= {RUSH_TARGET}x, p99 < {RUSH_P99_MS} ms: {'met' if met else 'MISSED'})"
        )
        lines.append("rush outcome per round (confirmed / waitlisted / untrue emails): "
                     + ", ".join(f"{c} / {w} / {u}" for c, w, u in verdicts)
                     + ("  zero overbooking, every email true" if correct else "  WRONG"))
    load = os.getloadavg()
    lines.append(f"machine: {os.cpu_count()} cores, load average {load[0]:.1f} / {load[1]:.1f} (1 / 5 min) at the end")
    lines.append(f"logs: {logs}")
    return lines
