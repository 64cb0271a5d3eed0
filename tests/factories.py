"""Build test data through the real services; override only what a test is about."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import count
from typing import Any

from labapp.accounts.models import User, UserRole
from labapp.accounts.services import create_user
from labapp.clock import utcnow
from labapp.registrations.models import EducatorRole, Registration
from labapp.registrations.services import RegistrationDetails, RegistrationResult, register
from labapp.sessions.models import LabSession, SessionFormat
from labapp.sessions.services import SessionFields, create_session

_serial = count(1)


def now_utc() -> datetime:
    """The app's clock (labapp.clock), to the second: a test that sets app.config["CLOCK"] fixes the factories too."""
    return utcnow().replace(microsecond=0)


def make_user(**overrides: Any) -> User:
    n = next(_serial)
    fields: dict[str, Any] = {
        "email": f"facilitator{n}@example.org",
        "name": f"Facilitator {n}",
        "role": UserRole.FACILITATOR,
        "password": "correct horse battery",
        "now": now_utc(),
    }
    fields.update(overrides)
    return create_user(**fields)


def make_lab_session(**overrides: Any) -> LabSession:
    n = next(_serial)
    now = overrides.pop("now", now_utc())
    fields: dict[str, Any] = {
        "title": f"Conversation Lab {n}",
        "starts_at": now + timedelta(days=7),
        "timezone": "America/New_York",
        "duration_minutes": 90,
        "capacity": 10,
        "format": SessionFormat.ONLINE,
        "join_url": "https://meet.example.org/lab",
    }
    fields.update(overrides)
    # Everything but who runs it, whether it is public and its slug is a SessionFields field.
    options = {name: fields.pop(name) for name in ("facilitators", "slug", "publish") if name in fields}
    return create_session(fields=SessionFields(**fields), now=now, **{"publish": True, **options})


def details(**overrides: Any) -> RegistrationDetails:
    n = next(_serial)
    fields: dict[str, Any] = {
        "full_name": f"Educator {n}",
        "email": f"educator{n}@example.edu",
        "role": EducatorRole.TEACHER,
        "organisation": "Lincoln Middle School",
    }
    fields.update(overrides)
    return RegistrationDetails(**fields)


def make_registration(lab: LabSession, *, now: datetime | None = None, **overrides: Any) -> Registration:
    return register_result(lab, now=now, **overrides).registration


def register_result(lab: LabSession, *, now: datetime | None = None, language: str = "en",
                    **overrides: Any) -> RegistrationResult:
    return register(lab_session_id=lab.id, details=details(**overrides), now=now or now_utc(), language=language)


def registration_form(**overrides: Any) -> dict[str, Any]:
    """A valid public registration form body (CSRF is off in tests unless a test turns it on)."""
    n = next(_serial)
    form: dict[str, Any] = {
        "full_name": f"Form Person {n}",
        "email": f"form{n}@example.edu",
        "role": "teacher",
        "organisation": "Westview High",
        "consent": "y",
    }
    form.update(overrides)
    return {k: v for k, v in form.items() if v is not None}


def make_admin(**overrides: Any) -> User:
    """An admin account (see make_user)."""
    return make_user(role=UserRole.ADMIN, **overrides)
