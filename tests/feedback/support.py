"""Feedback test helpers: a session that ended, people who came (or did not), their private links."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from labapp.db import db
from labapp.feedback.links import feedback_token
from labapp.registrations.models import Registration
from tests.factories import make_lab_session, make_registration, now_utc


def ended_lab(*, hours_ago: float = 3, **overrides) -> object:
    """A published 60-minute session that ended `hours_ago` hours ago (follow-up on, 1 hour after)."""
    start = now_utc() - timedelta(hours=hours_ago + 1)
    return make_lab_session(**{"starts_at": start, "duration_minutes": 60, "now": start - timedelta(days=5),
                               **overrides})


def came(lab, *, checked_in: bool = True, **overrides) -> Registration:
    """Someone registered for `lab`, checked in unless told otherwise."""
    registration = make_registration(lab, now=lab.starts_at - timedelta(days=2), **overrides)
    if checked_in:
        db.session.get(Registration, registration.id).checked_in_at = lab.starts_at + timedelta(minutes=2)
        db.session.commit()
    return db.session.get(Registration, registration.id)


def feedback_path(registration: Registration) -> str:
    return f"/feedback/{registration.id}/{feedback_token(registration.token_salt)}"


def answers(**overrides) -> dict:
    form = {"usefulness": "4", "commitment": "Call two families of newcomer students before Friday.",
            "focus_populations": ["newcomers"], "suggestion": ""}
    form.update(overrides)
    return form


def link_in(text: str) -> str:
    """The /feedback/... path of the first feedback link in an email body."""
    match = re.search(r"https?://[^/\s]+(/feedback/\d+/[A-Za-z0-9_-]+)", text)
    assert match, "no feedback link in the email"
    return match.group(1)


def at(app, instant: datetime) -> None:
    """Make the app's clock read `instant` from now on."""
    app.config["CLOCK"] = lambda: instant
