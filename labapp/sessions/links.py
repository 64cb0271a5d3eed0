"""Absolute public links to a session, built from BASE_URL (for emails and calendar files)."""

from __future__ import annotations

from flask import current_app

from labapp.sessions.models import LabSession


def session_url(lab: LabSession) -> str:
    """The session's public page."""
    return f"{current_app.config['BASE_URL']}/sessions/{lab.slug}"


def agenda_url(lab: LabSession) -> str:
    """The agenda section of the session's page."""
    return f"{session_url(lab)}#agenda"
