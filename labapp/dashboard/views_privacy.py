"""Admins only: erase a person by email across all sessions, and the audit list of privacy actions."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext, ngettext
from werkzeug.wrappers import Response

from labapp.clock import utcnow
from labapp.dashboard.access import me, require_admin
from labapp.dashboard.forms import EraseForm
from labapp.dashboard.views import bp
from labapp.privacy.services import erasable_registrations, erase_person, privacy_audit
from labapp.registrations.errors import InvalidEmail


def _privacy_page(form: EraseForm, status: int = 200) -> tuple[str, int]:
    return render_template("dashboard/privacy.html", form=form, audit=privacy_audit()), status


@bp.route("/privacy", methods=["GET", "POST"])
def privacy() -> str | tuple[str, int]:
    """Look a person up by email, then ask "Are you sure?" with the number of registrations (never other people)."""
    require_admin()
    form = EraseForm()
    if not form.validate_on_submit():
        return _privacy_page(form, 400 if form.is_submitted() else 200)
    try:
        count = erasable_registrations(form.email.data or "")
    except InvalidEmail as error:
        form.form_errors.append(gettext("That is not a valid email address: %(reason)s", reason=str(error)))
        return _privacy_page(form, 400)
    return render_template("dashboard/privacy_confirm.html", form=form, count=count)


@bp.post("/privacy/erase")
def privacy_erase() -> Response | tuple[str, int]:
    """Erase the person (upcoming seats go to the waitlist, they get `Cancelled:`); the audit row has counts only."""
    require_admin()
    form = EraseForm()
    if not form.validate_on_submit():
        return _privacy_page(form, 400)
    try:
        count = erase_person(email=form.email.data or "", now=utcnow(), actor_user_id=me().id)
    except InvalidEmail as error:
        form.form_errors.append(gettext("That is not a valid email address: %(reason)s", reason=str(error)))
        return _privacy_page(form, 400)
    flash(ngettext("Erased %(num)d registration. The audit list records it without the address.",
                   "Erased %(num)d registrations. The audit list records it without the address.", count), "success")
    return redirect(url_for("dashboard.privacy"))
