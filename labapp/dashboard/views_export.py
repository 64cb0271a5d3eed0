"""CSV exports: one session's roster, or every registration the user may see. Streamed row batches."""

from __future__ import annotations

from collections.abc import Sequence

from flask import Response, stream_with_context

from labapp.clock import utcnow
from labapp.core.csv_export import csv_lines
from labapp.dashboard.access import load_session, me
from labapp.dashboard.views import bp
from labapp.registrations.roster import EXPORT_COLUMNS, export_rows
from labapp.sessions.services import sessions_visible_to


def _csv_response(session_ids: Sequence[int] | None, filename: str) -> Response:
    header = [name for name, _ in EXPORT_COLUMNS]
    body = stream_with_context(csv_lines(header, export_rows(session_ids)))
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "no-store",
    })


@bp.get("/sessions/<int:lab_id>/export.csv")
def export_session(lab_id: int) -> Response:
    """Every registration of one session (all statuses), as CSV."""
    lab = load_session(lab_id)
    return _csv_response([lab.id], f"{lab.slug}-registrations.csv")


@bp.get("/export.csv")
def export_all() -> Response:
    """Every registration of every session the user may see (admins: all), as CSV."""
    user = me()
    ids = None if user.is_admin else [lab.id for lab in sessions_visible_to(user)]
    return _csv_response(ids, f"registrations-{utcnow():%Y-%m-%d}.csv")
