"""Who may open what in the dashboard: every request is signed in, every ID is checked."""

from __future__ import annotations

from flask import abort
from flask.typing import ResponseReturnValue
from flask_login import current_user

from labapp.accounts.models import User
from labapp.extensions import login_manager
from labapp.sessions.access import session_for
from labapp.sessions.models import LabSession


def require_sign_in() -> ResponseReturnValue | None:
    """Send anonymous visitors to the sign-in page (every dashboard URL, no exceptions)."""
    if not current_user.is_authenticated:
        response: ResponseReturnValue = login_manager.unauthorized()  # Flask-Login is untyped
        return response
    return None


def me() -> User:
    """The signed-in user."""
    user: User = current_user._get_current_object()  # Flask-Login is untyped: its proxy holds our User
    return user


def require_admin() -> None:
    """403 unless the signed-in user is an admin."""
    if not me().is_admin:
        abort(403)


def load_session(lab_id: int) -> LabSession:
    """The session if the signed-in user runs it (or is an admin): 404 if missing, 403 if not theirs."""
    return session_for(me(), lab_id)
