"""The reach report (admins): whom the labs serve over a date range, as a page, CSV and JSON."""

from __future__ import annotations

import json

from flask import Response, render_template, request

from labapp.clock import utcnow
from labapp.dashboard.access import require_admin
from labapp.dashboard.charts import category_chart
from labapp.dashboard.forms import HoursForm
from labapp.dashboard.views import bp
from labapp.reach.services import ReachReport, reach_report, report_csv, report_data, school_year_start
from labapp.records.errors import InvalidDateRange
from labapp.records.hours import check_date_range


def _report() -> tuple[HoursForm, ReachReport | None]:
    """The report for ?starts_on=&ends_on= (default: this school year, August 1 to today), or the form's errors."""
    require_admin()
    now = utcnow()
    if "starts_on" in request.args or "ends_on" in request.args:
        form = HoursForm(formdata=request.args)
        if not form.validate():
            return form, None
    else:
        form = HoursForm(formdata=None, starts_on=school_year_start(now.date()), ends_on=now.date())
    try:
        starts_on, ends_on = check_date_range(starts_on=form.starts_on.data, ends_on=form.ends_on.data)
    except InvalidDateRange as error:
        form.form_errors.append(str(error))
        return form, None
    return form, reach_report(starts_on=starts_on, ends_on=ends_on, now=now)


@bp.get("/reach")
def reach() -> str | tuple[str, int]:
    """Sessions held, unique people, attendance, new and returning, breakdowns and feedback (admins)."""
    form, report = _report()
    if report is None:
        return render_template("dashboard/reach.html", form=form, report=None, charts={}), 400
    charts = {key: category_chart([(row.label, row.attended) for row in rows])
              for key, _, rows in report.breakdowns if rows}
    return render_template("dashboard/reach.html", form=form, report=report, charts=charts)


@bp.get("/reach.csv")
def reach_csv() -> Response | tuple[str, int]:
    """The report's figures as CSV (withheld counts read "fewer than 5")."""
    form, report = _report()
    if report is None:
        return render_template("dashboard/reach.html", form=form, report=None, charts={}), 400
    return Response(report_csv(report), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="reach-{report.starts_on}-to-{report.ends_on}.csv"',
        "Cache-Control": "no-store"})


@bp.get("/reach.json")
def reach_json() -> Response:
    """The same figures as JSON for a district's own dashboards (withheld counts are null)."""
    form, report = _report()
    if report is None:
        errors = [str(e) for e in form.form_errors] + [str(e) for field in form for e in field.errors]
        return Response(json.dumps({"errors": errors}), status=400, mimetype="application/json")
    return Response(json.dumps(report_data(report), ensure_ascii=False), mimetype="application/json",
                    headers={"Cache-Control": "no-store"})
