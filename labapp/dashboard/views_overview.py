"""The overview: upcoming sessions with fill bars, registrations per day, attendance of past sessions."""

from __future__ import annotations

from datetime import timedelta

from flask import render_template

from labapp.clock import utcnow
from labapp.dashboard.access import me
from labapp.dashboard.charts import daily_bar_chart
from labapp.dashboard.views import bp
from labapp.feedback.services import feedback_summaries
from labapp.registrations.availability import SeatCounts
from labapp.registrations.roster import attendance_by_session, registrations_per_day
from labapp.sessions.services import sessions_visible_to

CHART_DAYS = 28


@bp.get("/", strict_slashes=False)
def overview() -> str:
    """What a facilitator sees first: their sessions, how full they are, and how attendance went."""
    now = utcnow()
    user = me()
    sessions = sessions_visible_to(user)
    upcoming = sorted((s for s in sessions if s.ends_at > now), key=lambda s: s.starts_at)
    past = [s for s in sessions if s.ends_at <= now and not s.is_cancelled][:20]
    attendance = attendance_by_session([s.id for s in past])
    feedback = feedback_summaries([s.id for s in past])
    today = now.date()
    days = registrations_per_day(
        session_ids=None if user.is_admin else [s.id for s in sessions],
        since=today - timedelta(days=CHART_DAYS - 1), until=today,
    )
    confirmed_past = sum(total for total, _ in attendance.values())
    attended_past = sum(came for _, came in attendance.values())
    responses_past = sum(summary.responses for summary in feedback.values())
    usefulness_sum = sum((summary.average or 0) * summary.responses for summary in feedback.values())
    return render_template(
        "dashboard/overview.html",
        upcoming=[(lab, SeatCounts.of(lab)) for lab in upcoming],
        past=[(lab, attendance.get(lab.id, (0, 0))) for lab in past],
        chart=daily_bar_chart(days),
        attendance_rate=(attended_past / confirmed_past) if confirmed_past else None,
        feedback=feedback,
        response_rate=(responses_past / attended_past) if attended_past else None,
        average_usefulness=round(usefulness_sum / responses_past, 1) if responses_past else None,
        now=now,
    )
