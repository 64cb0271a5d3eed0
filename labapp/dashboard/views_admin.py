"""Admins only: the outbox (queued, sent, failed, retry) and the user accounts."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

from labapp.accounts.errors import InvalidUser
from labapp.accounts.forms import UserForm
from labapp.accounts.models import UserRole
from labapp.accounts.services import create_user, list_users, set_active
from labapp.clock import utcnow
from labapp.dashboard.access import me, require_admin
from labapp.dashboard.forms import RosterActionForm
from labapp.dashboard.views import bp
from labapp.mail.models import OutboxStatus
from labapp.mail.outbox import list_outbox, requeue

OUTBOX_PAGE = 100


@bp.get("/outbox")
def outbox() -> str:
    """Emails by status, newest first, with the last error of each failure."""
    require_admin()
    raw = request.args.get("status", "failed")
    status = OutboxStatus(raw) if raw in {s.value for s in OutboxStatus} else None
    page_text = request.args.get("page", "1")
    page = int(page_text) if page_text.isdigit() and len(page_text) < 7 else 1
    rows, total = list_outbox(status=status, limit=OUTBOX_PAGE, offset=(max(page, 1) - 1) * OUTBOX_PAGE)
    return render_template("dashboard/outbox.html", rows=rows, total=total, status=status, page=page,
                           pages=max((total + OUTBOX_PAGE - 1) // OUTBOX_PAGE, 1), statuses=list(OutboxStatus),
                           form=RosterActionForm())


@bp.post("/outbox/<id:outbox_id>/retry")
def outbox_retry(outbox_id: int) -> Response:
    """Put an email back in line for the worker."""
    require_admin()
    if RosterActionForm().validate_on_submit():
        if requeue(message_id=outbox_id, now=utcnow()) is None:
            abort(404)
        flash(gettext("The email will be sent again on the worker's next pass."), "success")
    return redirect(url_for("dashboard.outbox", status=request.args.get("status", "failed")))


@bp.route("/users", methods=["GET", "POST"])
def users() -> Response | str | tuple[str, int]:
    """Every account; admins add facilitators and admins here."""
    require_admin()
    form = UserForm()
    if form.validate_on_submit():
        try:
            user = create_user(email=form.email.data or "", name=form.name.data or "", role=UserRole(form.role.data),
                               password=form.password.data or "", now=utcnow())
        except InvalidUser as error:
            form.form_errors.append(str(error))
        else:
            flash(gettext("Account created for %(email)s.", email=user.email), "success")
            return redirect(url_for("dashboard.users"))
    status = 400 if request.method == "POST" else 200
    return render_template("dashboard/users.html", users=list_users(), form=form, me=me(),
                           action_form=RosterActionForm()), status


@bp.post("/users/<id:user_id>/active")
def user_active(user_id: int) -> Response:
    """Let a user sign in again, or stop them (not oneself)."""
    require_admin()
    if user_id == me().id:
        flash(gettext("You can't deactivate your own account."), "error")
    elif RosterActionForm().validate_on_submit():
        try:
            set_active(user_id=user_id, is_active=request.form.get("undo") != "1")
        except InvalidUser:
            abort(404)
        flash(gettext("Account updated."), "success")
    return redirect(url_for("dashboard.users"))
