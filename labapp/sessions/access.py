"""Who may open a session in the facilitator area: the one check the dashboard and the protocol admin share."""

from __future__ import annotations

from flask import abort

from labapp.accounts.models import User
from labapp.db import db
from labapp.sessions.models import LabSession
from labapp.sessions.services import is_facilitated_by


def session_for(user: User, lab_session_id: int) -> LabSession:
    """The session if `user` runs it or is an admin: 404 when there is none, 403 when it is not theirs.

    For views: it answers with the HTTP status itself, so every page behind a session ID checks the same way.
    """
    lab = db.session.get(LabSession, lab_session_id)
    if lab is None:
        abort(404)
    if not (user.is_admin or is_facilitated_by(lab, user)):
        abort(403)
    return lab
