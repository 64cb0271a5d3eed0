"""Configuration classes, read from the environment (see README, "Configuration")."""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from limits import parse_many

ROOT = Path(__file__).resolve().parent
INSTANCE = ROOT / "instance"


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def parse_duration(text: str) -> timedelta:
    """Parse '24h', '90m', '2d', '45s' or a bare number of minutes into a timedelta."""
    text = text.strip().lower()
    if not text:
        raise ValueError("empty duration")
    units = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
    if text[-1] in units:
        return timedelta(**{units[text[-1]]: float(text[:-1])})
    return timedelta(minutes=float(text))


def parse_offsets(text: str) -> list[timedelta]:
    """Parse a comma-separated list of durations (REMINDER_OFFSETS), largest first."""
    offsets = {parse_duration(part) for part in text.split(",") if part.strip()}
    return sorted(offsets, reverse=True)


def url_settings(base_url: str) -> dict[str, str]:
    """SERVER_NAME, APPLICATION_ROOT and PREFERRED_URL_SCHEME from BASE_URL.

    With these, url_for(..., _external=True) builds BASE_URL links in the CLI and the worker too (no
    request there). Since Flask 3.1, SERVER_NAME no longer limits which Host a request may use, so
    nginx and health checks that send another Host still reach every page.
    """
    parts = urlsplit(base_url)
    if not parts.netloc:
        return {}
    return {"SERVER_NAME": parts.netloc, "APPLICATION_ROOT": parts.path or "/",
            "PREFERRED_URL_SCHEME": parts.scheme or "http"}


def check_settings(settings: Mapping[str, Any]) -> None:
    """Raise RuntimeError with a one-line reason for a setting the app cannot work with.

    Checked at start-up, so a typo stops `flask`, gunicorn and the worker at once with a clear
    message instead of failing every reminder pass later.
    """
    text = settings.get("REMINDER_OFFSETS") or ""
    try:
        readable = all(offset > timedelta(0) for offset in parse_offsets(text))
    except ValueError:
        readable = False
    if not readable:
        raise RuntimeError(f"REMINDER_OFFSETS must be positive durations like '24h,1h', not {text!r}")
    for name in sorted(LIMIT_SETTINGS & settings.keys()):
        try:
            parse_many(str(settings[name]))
        except ValueError:
            example = "'5 per minute;20 per hour'"
            raise RuntimeError(f"{name} must be limits like {example}, not {settings[name]!r}") from None


# Settings that hold rate limits ("5 per minute;20 per hour"); checked at start like REMINDER_OFFSETS.
LIMIT_SETTINGS = frozenset({
    "RATELIMIT_REGISTRATION", "RATELIMIT_LOGIN", "RATELIMIT_MANAGE", "RATELIMIT_RESET_PER_ADDRESS",
    "RATELIMIT_RESET_PER_IP", "RATELIMIT_RESEND_PER_ADDRESS", "RATELIMIT_RESEND_PER_IP",
    "RATELIMIT_RECORD_PER_ADDRESS", "RATELIMIT_RECORD_PER_IP", "RATELIMIT_TAKE_SEAT", "RATELIMIT_PREWORK",
    "RATELIMIT_STOP_REMINDERS_PER_IP", "RATELIMIT_STOP_REMINDERS_PER_LINK",
})


class Config:
    """Settings shared by every environment."""

    ENV_NAME = "base"
    SECRET_KEY = os.environ.get("SECRET_KEY") or "dev-only-not-secret"  # development default
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or f"sqlite:///{INSTANCE / 'labapp.sqlite3'}"
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, Any] = {"pool_pre_ping": True}
    BASE_URL = (os.environ.get("BASE_URL") or "http://127.0.0.1:5000").rstrip("/")
    ORGANISATION_NAME = os.environ.get("ORGANISATION_NAME") or "Conversation Labs"

    # Request bodies over 1 MB are refused with 413 (contract).
    MAX_CONTENT_LENGTH = 1024 * 1024
    MAX_FORM_MEMORY_SIZE = 1024 * 1024
    WTF_CSRF_TIME_LIMIT = None  # a phone left open on the form overnight still submits

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"

    MAIL_SERVER = os.environ.get("MAIL_SERVER") or None
    MAIL_PORT = _int("MAIL_PORT", 25)
    MAIL_USE_TLS = _bool("MAIL_USE_TLS", False)
    MAIL_USE_SSL = _bool("MAIL_USE_SSL", False)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER") or "Conversation Labs <labs@localhost>"
    MAIL_REPLY_TO = os.environ.get("MAIL_REPLY_TO") or None
    # Flask-Mail suppresses sending under TESTING; our tests talk to a real SMTP sink instead.
    MAIL_SUPPRESS_SEND = False
    MAIL_TIMEOUT_SECONDS = _int("MAIL_TIMEOUT_SECONDS", 10)
    MAIL_OUTBOX_DIR = str(INSTANCE / "mail")

    REMINDER_OFFSETS = os.environ.get("REMINDER_OFFSETS") or "24h,1h"
    RETENTION_DAYS_SENSITIVE = _int("RETENTION_DAYS_SENSITIVE", 30)
    RETENTION_DAYS_REGISTRATION = _int("RETENTION_DAYS_REGISTRATION", 730)
    PROMOTION_CUTOFF = os.environ.get("PROMOTION_CUTOFF") or "2h"

    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI") or "memory://"
    RATELIMIT_ENABLED = _bool("RATELIMIT_ENABLED", True)
    RATELIMIT_HEADERS_ENABLED = True
    # Registration limits leave room for a whole school's staff behind one IP (contract: >= 30/h, 10/min).
    RATELIMIT_REGISTRATION = os.environ.get("RATELIMIT_REGISTRATION") or "60 per hour;10 per minute"
    # Failed sign-ins only, per IP and per account (contract); correct sign-ins never count.
    RATELIMIT_LOGIN = os.environ.get("RATELIMIT_LOGIN") or "5 per minute"
    # Emails someone can make us send to an address (keyed on core.addresses.email_key), and the
    # requests one IP may make for them.
    RATELIMIT_RESET_PER_ADDRESS = os.environ.get("RATELIMIT_RESET_PER_ADDRESS") or "5 per hour"
    RATELIMIT_RESET_PER_IP = os.environ.get("RATELIMIT_RESET_PER_IP") or "20 per hour"
    RATELIMIT_RESEND_PER_ADDRESS = os.environ.get("RATELIMIT_RESEND_PER_ADDRESS") or "5 per hour"
    RATELIMIT_RESEND_PER_IP = os.environ.get("RATELIMIT_RESEND_PER_IP") or "30 per hour"
    # Over this, /my-record answers the same page and sends nothing.
    RATELIMIT_RECORD_PER_ADDRESS = os.environ.get("RATELIMIT_RECORD_PER_ADDRESS") or "1 per 10 minutes"
    RATELIMIT_RECORD_PER_IP = os.environ.get("RATELIMIT_RECORD_PER_IP") or "10 per hour"
    # "I'll take it" and pre-work answers through a manage link, per IP.
    RATELIMIT_TAKE_SEAT = os.environ.get("RATELIMIT_TAKE_SEAT") or "20 per minute"
    RATELIMIT_PREWORK = os.environ.get("RATELIMIT_PREWORK") or "60 per hour"
    # Mail providers send one-click unsubscribes from a few shared addresses (one Gmail IP speaks for
    # many people), so the per-IP limit is generous; the per-link limit stops hammering one link.
    RATELIMIT_STOP_REMINDERS_PER_IP = os.environ.get("RATELIMIT_STOP_REMINDERS_PER_IP") or "120 per minute"
    RATELIMIT_STOP_REMINDERS_PER_LINK = os.environ.get("RATELIMIT_STOP_REMINDERS_PER_LINK") or "10 per hour"

    # Updating or cancelling through a manage link, per IP: generous, only stops scripted hammering.
    RATELIMIT_MANAGE = os.environ.get("RATELIMIT_MANAGE") or "300 per hour;30 per minute"

    # `/` is served from a per-worker cache for this long (seat counts there may lag by as much).
    PUBLIC_PAGE_CACHE_SECONDS = float(os.environ.get("PUBLIC_PAGE_CACHE_SECONDS") or 3)

    # Behind nginx: how many proxies set X-Forwarded-* (0 = trust none).
    PROXY_FIX_HOPS = _int("PROXY_FIX_HOPS", 0)
    LOG_LEVEL = os.environ.get("LOG_LEVEL") or "INFO"

    @classmethod
    def check(cls) -> None:
        """Raise RuntimeError with a one-line reason when the configuration cannot run."""


class DevelopmentConfig(Config):
    ENV_NAME = "development"


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "testing-secret-key"  # noqa: S105 - tests only
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or "sqlite://"
    BASE_URL = "http://labapp.test"
    WTF_CSRF_ENABLED = False  # tests that are about CSRF turn it back on
    RATELIMIT_ENABLED = False  # tests that are about limits turn them back on
    MAIL_DEFAULT_SENDER = "Conversation Labs <labs@labapp.test>"
    RATELIMIT_STORAGE_URI = "memory://"
    PUBLIC_PAGE_CACHE_SECONDS = 0.0  # tests see every change at once; test_page_cache turns it on


class ProductionConfig(Config):
    ENV_NAME = "production"
    SECRET_KEY = os.environ.get("SECRET_KEY") or ""
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or ""
    BASE_URL = (os.environ.get("BASE_URL") or "").rstrip("/")
    PROXY_FIX_HOPS = _int("PROXY_FIX_HOPS", 1)
    # Behind a proxy that may still speak plain HTTP: Secure cookies only when the public URL is https (contract).
    SESSION_COOKIE_SECURE = BASE_URL.startswith("https://")
    REMEMBER_COOKIE_SECURE = BASE_URL.startswith("https://")

    @classmethod
    def check(cls) -> None:
        missing = [name for name in ("SECRET_KEY", "DATABASE_URL", "BASE_URL") if not os.environ.get(name)]
        if missing:
            raise RuntimeError(f"labapp production config: set {', '.join(missing)} in the environment")


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
