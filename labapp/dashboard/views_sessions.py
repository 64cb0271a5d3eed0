"""Creating, editing, publishing, cancelling and duplicating sessions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from labapp.accounts.models import User
from labapp.accounts.services import list_users
from labapp.clock import utcnow
from labapp.dashboard.access import load_session, me
from labapp.dashboard.forms import CancelSessionForm, RosterActionForm, SessionForm
from labapp.dashboard.views import bp
from labapp.registrations.availability import get_listing
from labapp.session_changes.services import cancel_session, unpublish_session, update_session
from labapp.sessions.errors import InvalidSession
from labapp.sessions.models import LabSession, SessionFormat, SessionLanguage
from labapp.sessions.services import (
    SessionFields,
    create_session_from_form,
    duplicate_session,
    is_valid_timezone,
    publish_session,
)


def _to_utc(local: datetime | None, zone: str) -> datetime | None:
    """A wall-clock time typed for `zone`, as a UTC instant."""
    if local is None:
        return None
    return local.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)


def _to_local(value: datetime | None, zone: str) -> datetime | None:
    return value.astimezone(ZoneInfo(zone)).replace(tzinfo=None) if value else None


def _fields(form: SessionForm) -> SessionFields:
    zone = form.timezone.data or "UTC"
    if not is_valid_timezone(zone):
        raise InvalidSession(_l("Please choose a time zone from the list."))
    return SessionFields(
        title=form.title.data or "", summary=form.summary.data or "", description=form.description.data or "",
        starts_at=_to_utc(form.starts_at.data, zone),  # type: ignore[arg-type]
        timezone=zone, duration_minutes=form.duration_minutes.data or 0, capacity=form.capacity.data or 0,
        format=SessionFormat(form.format.data), language=SessionLanguage(form.language.data),
        location=form.location.data or "",
        join_url=(form.join_url.data or "").strip(),
        registration_opens_at=_to_utc(form.registration_opens_at.data, zone),
        registration_closes_at=_to_utc(form.registration_closes_at.data, zone),
        reply_to=form.reply_to.data or None,
        follow_up_after_hours=form.follow_up_after_hours.data,
    )


def _fill(form: SessionForm, lab: LabSession) -> None:
    form.title.data, form.summary.data, form.description.data = lab.title, lab.summary, lab.description
    form.starts_at.data = _to_local(lab.starts_at, lab.timezone)
    form.timezone.data, form.duration_minutes.data = lab.timezone, lab.duration_minutes
    form.capacity.data = lab.capacity
    form.format.data, form.location.data, form.join_url.data = str(lab.format), lab.location, lab.join_url
    form.language.data = str(lab.language)
    form.registration_opens_at.data = _to_local(lab.registration_opens_at, lab.timezone)
    form.registration_closes_at.data = _to_local(lab.registration_closes_at, lab.timezone)
    form.reply_to.data = lab.reply_to or ""
    form.follow_up_after_hours.data = lab.follow_up_after_hours
    if "facilitator_ids" in form:
        form.facilitator_ids.data = [user.id for user in lab.facilitators]


def _session_form() -> SessionForm:
    """The session form; admins also choose who facilitates, facilitators don't see that field."""
    form = SessionForm()
    if me().is_admin:
        form.facilitator_ids.choices = [(u.id, f"{u.name} ({u.email})") for u in list_users() if u.is_active]
    else:
        del form.facilitator_ids
    return form


def _chosen_facilitators(form: SessionForm) -> list[User] | None:
    if "facilitator_ids" not in form:
        return None
    chosen = set(form.facilitator_ids.data or [])
    return [user for user in list_users() if user.id in chosen]


def _keep_unchanged_times(changes: SessionFields, lab: LabSession) -> SessionFields:
    """The form shows minutes only: a time it sends back unchanged keeps the stored seconds (so no false 'Updated')."""
    def same(typed: datetime | None, stored: datetime | None) -> datetime | None:
        if typed is not None and stored is not None and typed == stored.replace(second=0, microsecond=0):
            return stored
        return typed

    return replace(
        changes,
        starts_at=same(changes.starts_at, lab.starts_at) or changes.starts_at,
        registration_opens_at=same(changes.registration_opens_at, lab.registration_opens_at),
        registration_closes_at=same(changes.registration_closes_at, lab.registration_closes_at),
    )


@bp.route("/sessions/new", methods=["GET", "POST"])
def session_new() -> Response | str | tuple[str, int]:
    """Create a draft session that the signed-in user facilitates."""
    form = _session_form()
    if request.method == "GET" and "facilitator_ids" in form:
        form.facilitator_ids.data = [me().id]
    if form.validate_on_submit():
        try:
            lab = create_session_from_form(fields=_fields(form), facilitators=_chosen_facilitators(form) or [me()],
                                           now=utcnow())
        except InvalidSession as error:
            form.form_errors.append(str(error))
        else:
            flash(gettext("Session created as a draft. Publish it when it is ready."), "success")
            return redirect(url_for("dashboard.session_detail", lab_id=lab.id))
    status = 400 if request.method == "POST" else 200
    return render_template("dashboard/session_form.html", form=form, lab=None), status


@bp.get("/sessions/<id:lab_id>")
def session_detail(lab_id: int) -> str:
    """One session: its facts, seat counts and the actions a facilitator can take."""
    lab = load_session(lab_id)
    follow_up_at = lab.ends_at + timedelta(hours=lab.follow_up_after_hours) if lab.follow_up_after_hours else None
    return render_template("dashboard/session_detail.html", lab=lab, listing=get_listing(lab),
                           action_form=RosterActionForm(), now=utcnow(), follow_up_at=follow_up_at)


@bp.route("/sessions/<id:lab_id>/edit", methods=["GET", "POST"])
def session_edit(lab_id: int) -> Response | str | tuple[str, int]:
    """Change a session; people with a seat are told when the time, place or link changes."""
    lab = load_session(lab_id)
    form = _session_form()
    if request.method == "GET":
        _fill(form, lab)
    elif form.validate_on_submit():
        try:
            update_session(lab_session_id=lab.id, changes=_keep_unchanged_times(_fields(form), lab), now=utcnow(),
                           facilitators=_chosen_facilitators(form))
        except InvalidSession as error:
            form.form_errors.append(str(error))
        else:
            flash(gettext("Session saved."), "success")
            return redirect(url_for("dashboard.session_detail", lab_id=lab.id))
    status = 400 if request.method == "POST" else 200
    return render_template("dashboard/session_form.html", form=form, lab=lab), status


def _state_change(lab_id: int, action: Callable[..., object], done: str) -> Response:
    lab = load_session(lab_id)
    if RosterActionForm().validate_on_submit():
        try:
            action(lab_session_id=lab.id, now=utcnow())
        except InvalidSession as error:
            flash(str(error), "error")
        else:
            flash(done, "success")
    return redirect(url_for("dashboard.session_detail", lab_id=lab.id))


@bp.post("/sessions/<id:lab_id>/publish")
def session_publish(lab_id: int) -> Response:
    """Make the session public."""
    return _state_change(lab_id, publish_session, gettext("The session is published."))


@bp.post("/sessions/<id:lab_id>/unpublish")
def session_unpublish(lab_id: int) -> Response:
    """Take the session back to draft (only while nobody is registered)."""
    return _state_change(lab_id, unpublish_session, gettext("The session is a draft again."))


@bp.route("/sessions/<id:lab_id>/cancel", methods=["GET", "POST"])
def session_cancel(lab_id: int) -> Response | str:
    """Ask 'are you sure?', then cancel and tell everyone registered."""
    lab = load_session(lab_id)
    form = CancelSessionForm()
    if form.validate_on_submit():
        try:
            cancel_session(lab_session_id=lab.id, now=utcnow(), reason=form.reason.data or "")
        except InvalidSession as error:
            flash(str(error), "error")
        else:
            flash(gettext("The session is cancelled; everyone registered is being emailed."), "success")
        return redirect(url_for("dashboard.session_detail", lab_id=lab.id))
    return render_template("dashboard/session_cancel.html", lab=lab, listing=get_listing(lab), form=form)


@bp.post("/sessions/<id:lab_id>/duplicate")
def session_duplicate(lab_id: int) -> Response:
    """Run it again next month: a draft copy four weeks later, same local time."""
    lab = load_session(lab_id)
    if not RosterActionForm().validate_on_submit():
        return redirect(url_for("dashboard.session_detail", lab_id=lab.id))
    copy = duplicate_session(lab_session_id=lab.id, now=utcnow())
    flash(gettext("Here is the copy, as a draft. Check it, then publish."), "success")
    return redirect(url_for("dashboard.session_edit", lab_id=copy.id))
