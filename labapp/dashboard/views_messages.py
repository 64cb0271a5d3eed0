"""Writing to a session's attendees: compose, preview (count and first names), send, and the record."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import ngettext
from werkzeug.wrappers import Response

from labapp.clock import utcnow
from labapp.dashboard.access import load_session, me
from labapp.dashboard.forms import MessageForm
from labapp.dashboard.views import bp
from labapp.messages.errors import AudienceNotYetAvailable, InvalidMessage, NobodyToMessage
from labapp.messages.models import MessageAudience
from labapp.messages.services import (
    audience_of,
    check_audience,
    get_message,
    messages_for_session,
    recipients_of,
    send_attendee_message,
)

PREVIEW_NAMES = 12


@bp.route("/sessions/<id:lab_id>/messages/new", methods=["GET", "POST"])
def message_new(lab_id: int) -> Response | str | tuple[str, int]:
    """Write, preview, then send; nothing is sent until the preview's Send button."""
    lab = load_session(lab_id)
    form = MessageForm()
    preview = None
    if form.validate_on_submit():
        audience = MessageAudience(form.audience.data)
        if form.step.data == "send":
            user = me()
            try:
                message = send_attendee_message(
                    lab_session_id=lab.id, audience=audience, subject=form.subject.data or "",
                    body=form.body.data or "", sent_by_id=user.id, sender_name=user.name, now=utcnow())
            except (InvalidMessage, NobodyToMessage) as error:
                form.form_errors.append(str(error))
            else:
                flash(ngettext("Message queued for %(num)d person.", "Message queued for %(num)d people.",
                               message.recipient_count), "success")
                return redirect(url_for("dashboard.message_detail", lab_id=lab.id, message_id=message.id))
        else:
            try:
                check_audience(lab, audience, now=utcnow())
            except AudienceNotYetAvailable as error:
                form.form_errors.append(str(error))
            else:
                people = audience_of(lab.id, audience)
                preview = {"count": len(people), "names": [p.first_name for p in people[:PREVIEW_NAMES]],
                           "audience": audience}
                form.step.data = "send"
    status = 400 if request.method == "POST" and preview is None else 200
    return render_template("dashboard/message_form.html", lab=lab, form=form, preview=preview), status


@bp.get("/sessions/<id:lab_id>/messages")
def messages(lab_id: int) -> str:
    """What was sent to this session's attendees, newest first."""
    lab = load_session(lab_id)
    return render_template("dashboard/messages.html", lab=lab, messages=messages_for_session(lab.id))


@bp.get("/sessions/<id:lab_id>/messages/<id:message_id>")
def message_detail(lab_id: int, message_id: int) -> str:
    """One message: its text, and who it went to with each email's delivery."""
    lab = load_session(lab_id)
    message = get_message(lab.id, message_id)
    if message is None:
        abort(404)
    return render_template("dashboard/message_detail.html", lab=lab, message=message,
                           recipients=recipients_of(message.id))
