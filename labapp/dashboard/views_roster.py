"""The roster: tabs, search, sort, pages, and one-tap actions per person; and "Who's in the room"."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _gettext
from werkzeug.wrappers import Response

from labapp.clock import utcnow
from labapp.dashboard.access import load_session
from labapp.dashboard.forms import RosterActionForm
from labapp.dashboard.views import bp
from labapp.registrations.attendance import (
    promote_from_waitlist,
    registration_in_session,
    resend_confirmation,
    set_checked_in,
)
from labapp.registrations.certificates import queue_certificate_email
from labapp.registrations.errors import CertificateNotAvailable, RegistrationError, RegistrationNotFound
from labapp.registrations.models import RegistrationStatus
from labapp.registrations.prework import prework_answers_by_question
from labapp.registrations.roster import SORTS, room_summary, roster_page
from labapp.registrations.services import cancel_registration
from labapp.reminders.services import reminder_statuses
from labapp.timefmt import format_clock, format_day


def reminder_statuses_for(registration_ids: list[int], zone: str) -> dict[int, str]:
    """{registration id: 'sent 24 hours before (Nov 30, 4:02 PM EST); failed 1 hour before: 550 …'} (one query)."""
    texts: dict[int, str] = {}
    for registration_id, statuses in reminder_statuses(registration_ids).items():
        parts = []
        for status in statuses:
            when = status.sent_at or status.decided_at
            stamp = f"{format_day(when, zone)}, {format_clock(when, zone)}"
            detail = f": {status.error[:80]}" if status.error else ""
            parts.append(f"{status.state} {status.label} ({stamp}){detail}")
        texts[registration_id] = "; ".join(parts)
    return texts


def _roster_args() -> dict[str, Any]:  # Any: url_for() takes them as **values
    """The roster's current tab/search/sort/page, kept across actions so the facilitator stays in place."""
    return {key: value for key in ("tab", "q", "sort", "page") if (value := request.values.get(key, ""))}


@bp.get("/sessions/<id:lab_id>/roster")
def roster(lab_id: int) -> str:
    """Confirmed, waitlisted or cancelled people, 50 a page; the same few queries for any number of rows."""
    lab = load_session(lab_id)
    try:
        status = RegistrationStatus(request.args.get("tab", "confirmed"))
    except ValueError:
        abort(404)
    sort = request.args.get("sort", "registered")
    if sort not in SORTS:
        sort = "registered"
    page_number = request.args.get("page", "1")
    page = roster_page(
        lab_session_id=lab.id, status=status, search=request.args.get("q", ""), sort=sort,
        page=int(page_number) if page_number.isdigit() and len(page_number) < 7 else 1,
    )
    done = request.args.get("done", type=int)
    return render_template(
        "dashboard/roster.html", lab=lab, page=page, status=status, sort=sort, q=request.args.get("q", ""),
        status_row=done if done in {r.id for r in page.rows} else None,
        reminders=reminder_statuses_for([r.id for r in page.rows], lab.timezone), form=RosterActionForm(),
        statuses=list(RegistrationStatus), sorts=list(SORTS), now=utcnow(),
    )


def gettext(text: str, **values: object) -> str:
    """The text in the page's language (flask_babel's gettext, typed)."""
    return str(_gettext(text, **values))


def _act(lab_id: int, registration_id: int, action: Callable[[int, int], str]) -> Response:
    """Check both IDs against the user's rights, run the action, flash its outcome, back to the same roster spot."""
    lab = load_session(lab_id)
    try:
        registration_in_session(lab.id, registration_id)
    except RegistrationNotFound:
        abort(404)
    if RosterActionForm().validate_on_submit():
        try:
            flash(action(lab.id, registration_id), "success")
        except (RegistrationError, CertificateNotAvailable) as error:
            flash(str(error), "error")
    # `done` puts the outcome beside the person's row (a status line that takes focus), not at the top of a long page.
    return redirect(url_for("dashboard.roster", lab_id=lab.id, **_roster_args(), done=registration_id)
                    + f"#r{registration_id}-status")


@bp.post("/sessions/<id:lab_id>/registrations/<id:registration_id>/check-in")
def check_in(lab_id: int, registration_id: int) -> Response:
    """One tap: this person is here (undo=1 takes it back)."""
    is_here = request.form.get("undo") != "1"

    def action(lid: int, rid: int) -> str:
        person = set_checked_in(lab_session_id=lid, registration_id=rid, is_checked_in=is_here, now=utcnow())
        if is_here:
            return gettext("%(name)s is checked in.", name=person.full_name)
        return gettext("Check-in undone for %(name)s.", name=person.full_name)
    return _act(lab_id, registration_id, action)


@bp.post("/sessions/<id:lab_id>/registrations/<id:registration_id>/promote")
def promote(lab_id: int, registration_id: int) -> Response:
    """Give a waitlisted person a seat now; they get `You're in: …`."""
    def action(lid: int, rid: int) -> str:
        registration, raised = promote_from_waitlist(lab_session_id=lid, registration_id=rid, now=utcnow())
        if raised:
            return gettext("%(name)s has a seat and is being emailed. The session was full, so capacity is now "
                           "%(capacity)s.", name=registration.full_name, capacity=registration.lab_session.capacity)
        return gettext("%(name)s has a seat and is being emailed.", name=registration.full_name)
    return _act(lab_id, registration_id, action)


@bp.post("/sessions/<id:lab_id>/registrations/<id:registration_id>/cancel")
def cancel(lab_id: int, registration_id: int) -> Response:
    """Cancel on the person's behalf; they are told, and a freed seat goes to the waitlist."""
    def action(lid: int, rid: int) -> str:
        cancel_registration(registration_id=rid, now=utcnow())
        return gettext("Registration cancelled; the person is being emailed.")
    return _act(lab_id, registration_id, action)


@bp.post("/sessions/<id:lab_id>/registrations/<id:registration_id>/resend")
def resend(lab_id: int, registration_id: int) -> Response:
    """Send the person's confirmation (with their private link) again."""
    def action(lid: int, rid: int) -> str:
        resend_confirmation(lab_session_id=lid, registration_id=rid, now=utcnow())
        return gettext("Confirmation sent again.")
    return _act(lab_id, registration_id, action)


@bp.post("/sessions/<id:lab_id>/registrations/<id:registration_id>/certificate")
def resend_certificate(lab_id: int, registration_id: int) -> Response:
    """Email a checked-in attendee the link to their certificate again (only after the session)."""
    def action(lid: int, rid: int) -> str:
        registration = registration_in_session(lid, rid)
        queue_certificate_email(registration, now=utcnow())
        return gettext("Certificate link sent to %(name)s.", name=registration.first_name)
    return _act(lab_id, registration_id, action)


@bp.get("/sessions/<id:lab_id>/room")
def room(lab_id: int) -> str:
    """Who's in the room: roles, focus populations and hopes of the people with a seat, and pre-work by question."""
    lab = load_session(lab_id)
    return render_template("dashboard/room.html", lab=lab, summary=room_summary(lab.id),
                           prework=prework_answers_by_question(lab.id))
