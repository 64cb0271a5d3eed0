"""The "stop these reminders" link: a GET asks, a POST stops (RFC 8058 one-click unsubscribe); and the
manage page's reminders switch."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

from labapp.clock import utcnow
from labapp.extensions import configured_limit, csrf, limiter
from labapp.registrations.forms import RemindersForm
from labapp.registrations.models import Registration
from labapp.registrations.views import registration_or_404
from labapp.reminders.errors import ReminderLinkInvalid
from labapp.reminders.services import find_by_stop_token, set_reminders, stop_reminders

bp = Blueprint("reminders", __name__)

# Generous per IP (mail providers send one-click POSTs from a few shared addresses); see config.py.
STOP_LIMIT_PER_IP = configured_limit("RATELIMIT_STOP_REMINDERS_PER_IP")
STOP_LIMIT_PER_LINK = configured_limit("RATELIMIT_STOP_REMINDERS_PER_LINK")


def _link_key() -> str:
    return f"stop-reminders:{(request.view_args or {}).get('registration_id')}"


def _load(registration_id: int, token: str) -> Registration:
    try:
        return find_by_stop_token(registration_id=registration_id, token=token)
    except ReminderLinkInvalid:
        abort(404)


@bp.get("/reminders/stop/<id:registration_id>/<token>")
def stop(registration_id: int, token: str) -> str:
    """Ask 'stop reminders?' with a button; never stops anything by itself (mail scanners follow links)."""
    registration = _load(registration_id, token)
    return render_template("reminders/stop.html", registration=registration, lab=registration.lab_session)


@bp.post("/reminders/stop/<id:registration_id>/<token>")
@csrf.exempt  # the token in the URL authorises the POST; mail clients send it without a form
@limiter.limit(STOP_LIMIT_PER_LINK, key_func=_link_key)
@limiter.limit(STOP_LIMIT_PER_IP)
def stop_confirmed(registration_id: int, token: str) -> str:
    """Stop this registration's reminders and answer 200 (also the target of one-click unsubscribe)."""
    try:
        registration = stop_reminders(registration_id=registration_id, token=token, now=utcnow())
    except ReminderLinkInvalid:
        abort(404)
    return render_template("reminders/stopped.html", registration=registration, lab=registration.lab_session)


@bp.post("/manage/<token>/reminders")
@limiter.limit(configured_limit("RATELIMIT_MANAGE"))
def preference(token: str) -> Response:
    """Turn reminder emails off or back on for this registration."""
    registration = registration_or_404(token)
    form = RemindersForm()
    if not form.validate_on_submit():
        abort(400)
    on = form.turn.data == "on"
    set_reminders(registration_id=registration.id, on=on, now=utcnow())
    flash(gettext("Reminders are back on.") if on
          else gettext("Reminders are off for this session. Your seat stays yours."), "success")
    return redirect(url_for("registrations.manage", token=token) + "#reminders-title")
