"""The dashboard blueprint: every URL under /dashboard needs a signed-in user.

The pages live in views_*.py, one module per area, each adding its routes to `bp`; the package's
__init__ imports them all, so this module imports none of them (no import cycle).
"""

from __future__ import annotations

from flask import Blueprint

from labapp.dashboard.access import require_sign_in
from labapp.dashboard.labels import template_labels

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")
bp.before_request(require_sign_in)
bp.context_processor(template_labels)
