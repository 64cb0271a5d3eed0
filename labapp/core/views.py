"""Health check and small site-wide pages."""

from __future__ import annotations

from flask import Blueprint, jsonify
from sqlalchemy import text
from werkzeug.wrappers import Response

from labapp.core.private import PRIVATE_AREAS
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


@bp.get("/robots.txt")
def robots() -> Response:
    """Crawlers may read the public pages; the private areas (core/private.py) are off limits."""
    # Disallow lines first: some parsers take the first matching rule, Google the longest.
    lines = ["User-agent: *", *(f"Disallow: {area}" for area in PRIVATE_AREAS), "Allow: /"]
    response = Response("\n".join(lines) + "\n", mimetype="text/plain")
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response
