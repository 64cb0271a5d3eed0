"""The dashboard blueprint: every URL under /dashboard needs a signed-in user.

The pages live in views_*.py, one module per area; importing them registers their routes.
"""

from __future__ import annotations

from flask import Blueprint

from labapp.dashboard.access import require_sign_in

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")
bp.before_request(require_sign_in)

from labapp.dashboard import (  # noqa: E402, F401 - route modules register themselves on bp
    views_admin,
    views_export,
    views_feedback,
    views_messages,
    views_overview,
    views_privacy,
    views_reach,
    views_roster,
    views_sessions,
)
