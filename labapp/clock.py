"""The one place that reads the system clock. Everything else is handed `now`.

Tests (and demos) can inject a clock per app: `app.config["CLOCK"] = lambda: fixed_instant`.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import current_app, has_app_context


def utcnow() -> datetime:
    """The current instant, timezone-aware in UTC (or the app's injected clock)."""
    if has_app_context():
        injected = current_app.config.get("CLOCK")
        if injected is not None:
            now: datetime = injected()
            return now
    return datetime.now(UTC)


def parse_instant(text: str) -> datetime:
    """Parse an ISO 8601 instant for --now options; a missing offset means UTC."""
    value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=UTC)
