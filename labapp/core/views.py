"""Health check and small site-wide pages."""

from __future__ import annotations

from flask import Blueprint, jsonify
from sqlalchemy import text
from werkzeug.wrappers import Response

from labapp.db import db

bp = Blueprint("core", __name__)


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    """200 with a small JSON body when the database answers, 503 when it does not."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        db.session.rollback()
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok"), 200
