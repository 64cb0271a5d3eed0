"""Screenshots of the home page and a session page in Spanish, at phone width, for the README.

    python -m tools.screenshots            writes docs/screenshots/home-es.png and session-es.png

Like the browser tests: a fresh SQLite database brought up by the real migrations, `demo load`, the app
on a loopback port in a background thread, and the Debian Chromium at /usr/bin/chromium (never a
downloaded browser) with the same flags. One fixed instant, so the pictures only change with the pages.
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
from datetime import UTC, datetime
from pathlib import Path

from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# The flags of tests/browser/tools.py (CHROMIUM_ARGS).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
NOW = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)  # the browser tests' instant
PHONE = {"width": 390, "height": 844}
# The demo's open session (tests/browser/conftest.py, DemoSite.open_slug).
SESSION_SLUG = "demo-listening-with-empathy"


def _serve(folder: Path) -> tuple[str, object]:
    from flask_migrate import upgrade

    from labapp import create_app
    from labapp.db import db

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder / 'screens.sqlite3'}",
                     MAIL_OUTBOX_DIR=str(folder / "mail"), CLOCK=lambda: NOW, PUBLIC_PAGE_CACHE_SECONDS=0)
    with app.app_context():
        upgrade()
        db.session.remove()
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    if result.exit_code != 0:
        raise SystemExit(f"demo load failed: {result.output}")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, name="screenshots", daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}", server


def main(argv: list[str]) -> int:
    from playwright.sync_api import sync_playwright

    if not os.access(CHROMIUM, os.X_OK):
        print(f"Chromium not found at {CHROMIUM} (apt-get install chromium)", file=sys.stderr)
        return 1
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="labapp-screens-") as folder:
        url, server = _serve(Path(folder))
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                context = browser.new_context(base_url=url, viewport=PHONE, locale="es-US",
                                              timezone_id="America/New_York", reduced_motion="reduce")
                page = context.new_page()
                for name, path in {"home-es": "/?lang=es", "session-es": f"/sessions/{SESSION_SLUG}?lang=es"}.items():
                    page.goto(path)
                    target = OUT / f"{name}.png"
                    page.screenshot(path=str(target), full_page=True, animations="disabled", caret="hide")
                    print(target.relative_to(ROOT))
                browser.close()
        finally:
            server.shutdown()  # type: ignore[attr-defined]
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
