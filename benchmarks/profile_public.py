"""In-process cost of the registration POST and the session page: SQL statements, CPU and wall time.

`.venv/bin/python -m benchmarks.profile_public [N] [--profile]` on BENCH_DATABASE_URL (emptied first).
No HTTP server: Flask's test client, so the figures are the app's own work, free of gunicorn and the
load generator. `--profile` adds a cProfile of N registrations, sorted by cumulative time
(`--sort=tottime` and `--lines=80` change the order and length).
Not a `bench_*` module, so `make bench` does not run it.
"""

from __future__ import annotations

import cProfile
import pstats
import re
import sys
import time
from datetime import UTC, datetime, timedelta

from benchmarks.common import counted_queries, fresh_app
from labapp.db import db
from labapp.sessions.models import SessionFormat
from labapp.sessions.services import SessionFields, create_session


def main(argv: list[str]) -> int:
    count = int(next((a for a in argv if a.isdigit()), "300"))
    app = fresh_app(WTF_CSRF_ENABLED=True, PUBLIC_PAGE_CACHE_SECONDS=3.0)
    now = datetime.now(UTC).replace(microsecond=0)
    with app.app_context():
        lab = create_session(
            fields=SessionFields(
                title="Profiled lab",
                summary="Listening to families",
                starts_at=now + timedelta(days=3),
                timezone="America/New_York",
                duration_minutes=90,
                capacity=10_000,
                format=SessionFormat.HYBRID,
                location="Room 12",
                join_url="https://meet.example.org/x",
            ),
            publish=True,
            now=now,
        )
        slug = lab.slug
        db.session.remove()
    client = app.test_client()
    page = client.get(f"/sessions/{slug}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    serial = iter(range(10**9))

    def register() -> None:
        n = next(serial)
        form = {"csrf_token": token, "full_name": f"Person {n}", "email": f"person{n}@example.edu",
                "role": "teacher", "organisation": "Westview", "focus_populations": "english_learners", "consent": "y"}
        assert client.post(f"/sessions/{slug}/register", data=form).status_code == 302

    def session_page() -> None:
        assert client.get(f"/sessions/{slug}").status_code == 200

    def session_page_uncached() -> None:
        app.config["PUBLIC_PAGE_CACHE_SECONDS"] = 0
        try:
            session_page()
        finally:
            app.config["PUBLIC_PAGE_CACHE_SECONDS"] = 3.0

    for name, action in (("registration POST", register), ("session page", session_page),
                         ("session page, cache off", session_page_uncached)):
        for _ in range(20):  # warm: compiled SQL, prepared statements, templates
            action()
        with app.app_context(), counted_queries() as statements:
            action()
        wall, cpu = time.perf_counter(), time.process_time()
        for _ in range(count):
            action()
        wall, cpu = (time.perf_counter() - wall) / count * 1000, (time.process_time() - cpu) / count * 1000
        print(f"{name}: {len(statements)} SQL statements; {cpu:.2f} ms CPU, {wall:.2f} ms wall per request")
    if "--profile" in argv:
        profile = cProfile.Profile()
        profile.runcall(lambda: [register() for _ in range(count)])
        sort = next((a.removeprefix("--sort=") for a in argv if a.startswith("--sort=")), "cumulative")
        lines = int(next((a.removeprefix("--lines=") for a in argv if a.startswith("--lines=")), "40"))
        pstats.Stats(profile).sort_stats(sort).print_stats(lines)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
