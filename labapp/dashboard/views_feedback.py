"""A session's Feedback page: what the people who came thought and plan to try, and its CSV."""

from __future__ import annotations

from flask import Response, render_template, stream_with_context

from labapp.dashboard.access import load_session
from labapp.dashboard.charts import category_chart
from labapp.dashboard.views import bp
from labapp.feedback.forms import SCALE_CHOICES
from labapp.feedback.services import feedback_csv, session_feedback


@bp.get("/sessions/<id:lab_id>/feedback")
def feedback(lab_id: int) -> str:
    """Responses / attended, the 1–5 distribution (chart and table), the average, commitments and suggestions."""
    lab = load_session(lab_id)
    summary = session_feedback(lab.id)
    chart = category_chart([(label, summary.distribution[score]) for score, label in SCALE_CHOICES])
    return render_template("dashboard/feedback.html", lab=lab, summary=summary, chart=chart)


@bp.get("/sessions/<id:lab_id>/feedback.csv")
def feedback_export(lab_id: int) -> Response:
    """Every response of the session with names, as formula-safe CSV."""
    lab = load_session(lab_id)
    chunks = feedback_csv(session_feedback(lab.id))
    return Response(stream_with_context(chunks), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{lab.slug}-feedback.csv"', "Cache-Control": "no-store"})
