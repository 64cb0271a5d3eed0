"""/feedback/<id>/<token>: the private feedback form, reached from the `Thank you:` email."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext

from labapp.clock import utcnow
from labapp.extensions import configured_limit, limiter
from labapp.feedback.errors import FeedbackClosed, FeedbackLinkInvalid, InvalidFeedback
from labapp.feedback.forms import FeedbackForm
from labapp.feedback.services import FeedbackInvitation, find_invitation, submit_feedback

bp = Blueprint("feedback", __name__, url_prefix="/feedback")


@bp.after_request
def private_page(response: Response) -> Response:
    """The URL is a secret: no caches keep the page and no search engine lists it."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def _invitation(registration_id: int, token: str) -> FeedbackInvitation | tuple[str, int]:
    try:
        return find_invitation(registration_id=registration_id, token=token, now=utcnow())
    except FeedbackLinkInvalid:
        abort(404)
    except FeedbackClosed as closed:
        return render_template("feedback/closed.html", lab=closed.lab, closed_at=closed.closed_at), 410


@bp.route("/<id:registration_id>/<token>", methods=["GET", "POST"])
@limiter.limit(configured_limit("RATELIMIT_MANAGE"), methods=["POST"])
def respond(registration_id: int, token: str) -> ResponseReturnValue:
    """Show the form (with earlier answers) and save it; editable until 14 days after the end."""
    invitation = _invitation(registration_id, token)
    if isinstance(invitation, tuple):
        return invitation
    form = FeedbackForm(data=_initial(invitation) if request.method == "GET" else None)
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                submit_feedback(registration_id=registration_id, token=token, usefulness=form.usefulness.data,
                                commitment=form.commitment.data or "", suggestion=form.suggestion.data or "",
                                focus_populations=form.focus_populations.data or [], now=utcnow())
            except FeedbackClosed as closed:
                return render_template("feedback/closed.html", lab=closed.lab, closed_at=closed.closed_at), 410
            except InvalidFeedback as error:
                form.form_errors.append(str(error))
            else:
                flash(gettext("Thank you. Your answers are saved; you can change them with this link "
                              "until the date below."), "success")
                return redirect(url_for("feedback.respond", registration_id=registration_id, token=token))
        return render_template("feedback/form.html", invitation=invitation, lab=invitation.lab, form=form), 400
    return render_template("feedback/form.html", invitation=invitation, lab=invitation.lab, form=form)


def _initial(invitation: FeedbackInvitation) -> dict[str, object]:
    response = invitation.response
    if response is None:
        return {"focus_populations": list(invitation.registration.focus_populations or [])}
    return {"usefulness": response.usefulness, "commitment": response.commitment,
            "focus_populations": list(response.focus_populations or []), "suggestion": response.suggestion}
