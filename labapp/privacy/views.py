"""The privacy notice, and a person's own data: download it or delete it from their link."""

from __future__ import annotations

import json

from flask import Blueprint, Response, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from labapp.clock import utcnow
from labapp.core.forms import ConfirmForm
from labapp.privacy.services import erase_person, export_person
from labapp.registrations.views import registration_or_404
from labapp.settings import settings

bp = Blueprint("privacy", __name__)


@bp.get("/privacy")
def notice() -> str:
    """What is kept, who sees it, for how long."""
    return render_template("privacy/notice.html",
                           sensitive_days=settings().retention_days_sensitive,
                           registration_days=settings().retention_days_registration)


@bp.get("/manage/<token>/my-data.json")
def download(token: str) -> Response:
    """Everything labapp holds about the person, as JSON."""
    data = export_person(registration_or_404(token))
    return Response(json.dumps(data, indent=2, ensure_ascii=False), mimetype="application/json",
                    headers={"Content-Disposition": 'attachment; filename="my-conversation-labs-data.json"',
                             "Cache-Control": "no-store"})


@bp.route("/manage/<token>/delete", methods=["GET", "POST"])
def delete(token: str) -> ResponseReturnValue:
    """Delete my data: a GET asks 'are you sure?'; the POST erases (seats go to the waitlist)."""
    registration = registration_or_404(token)
    form = ConfirmForm()
    if request.method == "POST" and form.validate_on_submit():
        erase_person(email=registration.email, now=utcnow())
        return redirect(url_for("privacy.deleted"))
    return render_template("privacy/delete.html", registration=registration, lab=registration.lab_session,
                           token=token, form=form)


@bp.get("/privacy/deleted")
def deleted() -> str:
    return render_template("privacy/deleted.html")
