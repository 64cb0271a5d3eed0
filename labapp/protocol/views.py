"""The protocol agenda that every Conversation Lab follows: the public page, its download, pre-work, certificates."""

from __future__ import annotations

from dataclasses import replace

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from labapp.clock import utcnow
from labapp.core import render_error
from labapp.core.forms import strip_control_characters
from labapp.extensions import configured_limit, limiter
from labapp.protocol import seed_content
from labapp.protocol.certificates import CertificateNotAvailable, certificate_for
from labapp.protocol.forms import ButtonForm
from labapp.protocol.prework import InvalidPrework, PreworkClosed, manage_panel, save_prework_answers
from labapp.protocol.rendering import render_markdown
from labapp.protocol.services import list_components, protocol_markdown
from labapp.registrations.errors import RegistrationNotFound
from labapp.registrations.models import Registration
from labapp.registrations.services import find_by_manage_token

bp = Blueprint("protocol", __name__)


@bp.get("/protocol")
def index() -> str:
    """The whole protocol, readable on a phone and printable."""
    components = list_components()
    return render_template(
        "protocol/index.html",
        title=seed_content.PROTOCOL_TITLE,
        intro=render_markdown(seed_content.PROTOCOL_INTRO),
        components=[(component, render_markdown(component.facilitator_notes)) for component in components],
        total_minutes=sum(component.minutes for component in components),
    )


@bp.get("/protocol.md")
def download() -> Response:
    """The protocol as a Markdown (plain text) file."""
    return Response(
        protocol_markdown(),
        mimetype="text/markdown",
        headers={"Content-Disposition": 'attachment; filename="conversation-lab-protocol.md"'},
    )


def _load(token: str) -> Registration:
    try:
        return find_by_manage_token(token)
    except RegistrationNotFound:
        abort(404)


@bp.route("/manage/<token>/prework", methods=["GET", "POST"])
@limiter.limit(configured_limit("RATELIMIT_PREWORK"), methods=["POST"])
def prework(token: str) -> Response | str | tuple[str, int]:
    """Answer (or change) the reflection prompts before the session; optional."""
    registration = _load(token)
    now = utcnow()
    panel = manage_panel(registration, now=now)
    if request.method == "GET":
        return render_template("protocol/prework.html", registration=registration, lab=registration.lab_session,
                               token=token, protocol_panel=panel, prework_errors=[])
    answers = {prompt["id"]: strip_control_characters(request.form.get(f"answer-{prompt['id']}", ""))
               for prompt in panel.prompts}
    errors: list[str] = []
    if not ButtonForm().validate_on_submit():
        errors.append("The form expired. Please reload the page and send it again.")
    else:
        try:
            save_prework_answers(registration_id=registration.id, answers=answers, now=now)
        except (PreworkClosed, InvalidPrework) as error:
            errors.append(str(error))
        else:
            flash("Your reflections are saved. You can change them until the session starts.", "success")
            return redirect(url_for("registrations.manage", token=token) + "#prework")
    if panel.can_edit:  # keep what they typed; after the start, show only what is really saved
        panel = replace(panel, answers={**panel.answers, **answers})
    return render_template("protocol/prework.html", registration=registration, lab=registration.lab_session,
                           token=token, protocol_panel=panel, prework_errors=errors), 400


@bp.get("/manage/<token>/certificate")
def certificate(token: str) -> str | tuple[str, int]:
    """A printable certificate of participation, for people who attended a session that has ended."""
    registration = _load(token)
    try:
        contents = certificate_for(registration, now=utcnow())
    except CertificateNotAvailable as error:
        return render_error(403, str(error))
    return render_template("protocol/certificate.html", certificate=contents, registration=registration, token=token)
