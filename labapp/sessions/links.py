"""Absolute public links to a session on BASE_URL (for emails, calendar files and the CLI)."""

from __future__ import annotations

from labapp.core.urls import external_url
from labapp.sessions.models import LabSession


def session_url(lab: LabSession) -> str:
    """The session's public page."""
    return session_url_for(lab.slug)


def session_url_for(slug: str) -> str:
    """The public page of the session with this slug."""
    return external_url("sessions.detail", slug=slug)


def agenda_url(lab: LabSession) -> str:
    """The agenda section of the session's page."""
    return external_url("sessions.detail", slug=lab.slug, _anchor="agenda")
