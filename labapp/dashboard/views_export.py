"""CSV exports: one session's roster, every registration the user may see, and per-person hours. Streamed."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import timedelta

from flask import Response, render_template, request, stream_with_context

from labapp.clock import utcnow
from labapp.core.csv_export import csv_lines
from labapp.dashboard.access import load_session, me
from labapp.dashboard.forms import HoursForm
from labapp.dashboard.views import bp
from labapp.records.errors import InvalidDateRange
from labapp.records.hours import check_date_range, hours_csv
from labapp.registrations.roster import EXPORT_COLUMNS, export_rows
from labapp.sessions.services import sessions_visible_to


def _csv_download(chunks: Iterable[str], filename: str) -> Response:
    return Response(stream_with_context(iter(chunks)), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "no-store",
    })


def _registrations_csv(session_ids: Sequence[int] | None, filename: str) -> Response:
    header = [name for name, _ in EXPORT_COLUMNS]
    return _csv_download(csv_lines(header, export_rows(session_ids)), filename)


def _visible_session_ids() -> list[int] | None:
    """The sessions the user may export: None (all) for admins, their own for facilitators."""
    user = me()
    return None if user.is_admin else [lab.id for lab in sessions_visible_to(user)]


@bp.get("/sessions/<id:lab_id>/export.csv")
def export_session(lab_id: int) -> Response:
    """Every registration of one session (all statuses), as CSV."""
    lab = load_session(lab_id)
    return _registrations_csv([lab.id], f"{lab.slug}-registrations.csv")


@bp.get("/export.csv")
def export_all() -> Response:
    """Every registration of every session the user may see (admins: all), as CSV."""
    return _registrations_csv(_visible_session_ids(), f"registrations-{utcnow():%Y-%m-%d}.csv")


@bp.get("/hours")
def hours() -> str:
    """Choose the dates for the per-person hours export (the last twelve months to start with)."""
    today = utcnow().date()
    form = HoursForm(formdata=None, starts_on=today - timedelta(days=365), ends_on=today)
    return render_template("dashboard/hours.html", form=form)


@bp.get("/hours.csv")
def hours_export() -> Response | tuple[str, int]:
    """Hours per person who attended a session in the range (facilitators: their sessions), as CSV."""
    form = HoursForm(formdata=request.args)
    if form.validate():
        try:
            starts_on, ends_on = check_date_range(starts_on=form.starts_on.data, ends_on=form.ends_on.data)
        except InvalidDateRange as error:
            form.form_errors.append(str(error))
        else:
            chunks = hours_csv(starts_on=starts_on, ends_on=ends_on, session_ids=_visible_session_ids())
            return _csv_download(chunks, f"hours-{starts_on}-to-{ends_on}.csv")
    return render_template("dashboard/hours.html", form=form), 400
