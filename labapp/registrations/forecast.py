"""What this worker last saw of a session: a forecast to register against without reading the session first.

A registration's email is rendered from a forecast of the session (its details and seat counts a
moment ago), and the one statement that takes the session's row lock checks that the forecast still
holds before it inserts anything (claim.py). So the forecast may come from memory as safely as from a
fresh read: when it is wrong (the session was edited, the last seat went, the person had already
registered) the statement inserts nothing and `register` reads the session and decides again. During
a rush this saves each registration a statement (issue 18).

Each gunicorn worker keeps its own copies, for FORECAST_SECONDS at most; the seat counts are moved on
by every registration this worker makes, and anything the lock disproves is forgotten.
"""

from __future__ import annotations

import time
from typing import Any

from flask import current_app
from sqlalchemy import inspect
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from labapp.db import db
from labapp.sessions.models import LabSession

FORECAST_SECONDS = 10.0
_MAX_SESSIONS = 256  # per worker, a few hundred bytes each; cleared when full
_COLUMNS = tuple(attr.key for attr in inspect(LabSession).column_attrs)


def _forecasts() -> dict[object, tuple[float, dict[str, Any]]]:
    forecasts: dict[object, tuple[float, dict[str, Any]]] = current_app.extensions.setdefault(
        "labapp_session_forecasts", {})
    return forecasts


def recall(*, lab_session_id: int | None, slug: str | None) -> LabSession | None:
    """The session as last seen here (attached to this request's database session, no SQL), or None."""
    found = _forecasts().get(("slug", slug) if slug is not None else ("id", lab_session_id))
    if found is None or found[0] <= time.monotonic():
        return None
    values = found[1]
    key = db.session.identity_key(LabSession, values["id"])
    lab: LabSession
    if key in db.session.identity_map:
        # The request already holds this session (a test, or a service that read it): reuse that copy.
        lab = db.session.identity_map[key]
        return lab
    lab = inspect(LabSession).class_manager.new_instance()
    for name, value in values.items():
        set_committed_value(lab, name, value)
    make_transient_to_detached(lab)
    db.session.add(lab)  # persistent and clean: loads what it lacks (its facilitators) like any loaded row
    return lab


def remember(lab: LabSession, *, confirmed_count: int | None = None, waitlisted_count: int | None = None) -> None:
    """Keep what `lab` says now (with the seat counts moved on, when given) for the next registrations."""
    forecasts = _forecasts()
    if len(forecasts) >= 2 * _MAX_SESSIONS:
        forecasts.clear()
    values = {name: lab.__dict__[name] for name in _COLUMNS if name in lab.__dict__}
    if len(values) != len(_COLUMNS):
        return  # not fully loaded: nothing trustworthy to keep
    if confirmed_count is not None:
        values["confirmed_count"] = confirmed_count
    if waitlisted_count is not None:
        values["waitlisted_count"] = waitlisted_count
    entry = (time.monotonic() + FORECAST_SECONDS, values)
    forecasts[("id", values["id"])] = entry
    forecasts[("slug", values["slug"])] = entry


def forget(lab: LabSession) -> None:
    """Drop the forecast of `lab` (the lock proved it wrong): the next registration reads the session."""
    forecasts = _forecasts()
    forecasts.pop(("id", lab.__dict__.get("id")), None)
    forecasts.pop(("slug", lab.__dict__.get("slug")), None)
