"""Shared fixtures: the app on SQLite and (when TEST_DATABASE_URL is set) PostgreSQL, a real SMTP sink."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import create_engine, text
from werkzeug.test import TestResponse

from labapp import create_app
from labapp.db import db
from tests.smtp import SmtpSink

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")

# Every test's app reads this instant as "now" (labapp.clock), and so do the factories (now_utc()):
# a test means the same on any day it runs. A test that needs another moment sets app.config["CLOCK"].
FIXED_NOW = datetime(2031, 3, 4, 15, 0, tzinfo=UTC)
REQUIRE_POSTGRES = os.environ.get("REQUIRE_POSTGRES") == "1"
# Tables whose rows come from data migrations and survive between tests.
PRESERVED_TABLES = {"alembic_version"}
PRESERVED_TABLES |= {"protocol_components"}  # loaded by migration 0005; tests that edit it restore it
PRESERVED_TABLES |= {"protocol_component_translations"}  # the Spanish protocol, loaded by migration 0013


class LocalhostClient(FlaskClient):
    """A test client whose requests go to http://localhost, not to SERVER_NAME (BASE_URL's host).

    Flask's client would otherwise send every request to SERVER_NAME. Staying on another host is how
    the app runs behind nginx, and it keeps cookies where `get_cookie`/`set_cookie` look by default.
    """

    def open(self, *args: Any, **kwargs: Any) -> TestResponse:
        # A builder or environ (a followed redirect, for one) already carries its host.
        if not args or isinstance(args[0], str):
            kwargs.setdefault("base_url", "http://localhost")
        return super().open(*args, **kwargs)

    def session_transaction(self, *args: Any, **kwargs: Any) -> Any:
        """The session of the same host the requests use."""
        if not args:
            kwargs.setdefault("base_url", "http://localhost")
        return super().session_transaction(*args, **kwargs)


Flask.test_client_class = LocalhostClient


def _sqlalchemy_url(url: str) -> str:
    """postgresql:// URLs use psycopg 3."""
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url[len("postgresql://"):]
    if url.startswith("postgres://"):
        return "postgresql+psycopg://" + url[len("postgres://"):]
    return url


def _postgres_available() -> str | None:
    """None when PostgreSQL answers at TEST_DATABASE_URL, else the reason."""
    if not TEST_DATABASE_URL:
        return "TEST_DATABASE_URL is not set"
    try:
        engine = create_engine(_sqlalchemy_url(TEST_DATABASE_URL))
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as error:  # noqa: BLE001
        return f"PostgreSQL at TEST_DATABASE_URL does not answer: {error}"
    return None


def _backends() -> list:
    params = [pytest.param("sqlite", id="sqlite")]
    reason = _postgres_available()
    if reason is None:
        params.append(pytest.param("postgresql", id="postgresql"))
    elif REQUIRE_POSTGRES:
        raise pytest.UsageError(f"REQUIRE_POSTGRES=1 but {reason}")
    return params


BACKENDS = _backends()


def build_schema(url: str) -> None:
    """Bring an empty database to the current schema with the real migrations."""
    from flask_migrate import upgrade

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        if url.startswith("postgresql"):
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade()
        db.engine.dispose()


@pytest.fixture(scope="session")
def database_urls() -> Iterator[dict[str, str]]:
    folder = tempfile.mkdtemp(prefix="labapp-tests-")
    urls = {"sqlite": f"sqlite:///{Path(folder) / 'test.sqlite3'}"}
    if TEST_DATABASE_URL:
        urls["postgresql"] = _sqlalchemy_url(TEST_DATABASE_URL)
    built: set[str] = set()

    class Lazy(dict):
        def __getitem__(self, backend: str) -> str:
            url = urls[backend]
            if backend not in built:
                build_schema(url)
                built.add(backend)
            return url

    yield Lazy()


def empty_all_tables() -> None:
    """Remove every row the test wrote (real commits happened, so no rollback trick)."""
    tables = [t for t in reversed(db.metadata.sorted_tables) if t.name not in PRESERVED_TABLES]
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(table.delete())


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """Which database this run of the test uses: 'sqlite' or 'postgresql'."""
    return request.param


@pytest.fixture
def app_config() -> dict:
    """Per-test config overrides; override this fixture or mutate it before `app` is created."""
    return {}


@pytest.fixture
def app(backend: str, database_urls: dict[str, str], app_config: dict, tmp_path: Path) -> Iterator[Flask]:
    application = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=database_urls[backend],
        MAIL_OUTBOX_DIR=str(tmp_path / "mail"),
        **{"CLOCK": lambda: FIXED_NOW, **app_config},
    )
    with application.app_context():
        yield application
        db.session.remove()
        empty_all_tables()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def smtp(app: Flask) -> Iterator[SmtpSink]:
    """A real SMTP server on loopback; the app delivers to it."""
    sink = SmtpSink()
    sink.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=sink.port, MAIL_USE_TLS=False, MAIL_USE_SSL=False,
                      MAIL_SUPPRESS_SEND=False)  # Flask-Mail suppresses sending when app.testing
    from labapp.extensions import mail

    mail.init_app(app)
    yield sink
    sink.stop()
