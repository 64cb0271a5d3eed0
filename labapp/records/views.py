"""/my-record: a person's professional-learning record, reached through an emailed link."""

from __future__ import annotations

from flask import Blueprint, Response, abort, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from wtforms import EmailField
from wtforms.validators import DataRequired, Length

from labapp.clock import utcnow
from labapp.core.addresses import email_key
from labapp.core.attempts import TooManyAttempts, count_attempt
from labapp.core.forms import SafeForm
from labapp.extensions import configured_limit, limiter
from labapp.i18n import page_language
from labapp.records.errors import RecordLinkExpired, RecordLinkNotFound
from labapp.records.services import (
    RecordEntry,
    attended_by,
    email_key_for_link,
    record_csv_rows,
    render_record_page,
    request_record_link,
)
from labapp.settings import rate_limit

bp = Blueprint("records", __name__)


class RecordRequestForm(SafeForm):
    email = EmailField(_l("Email"), validators=[DataRequired(_l("Please enter your email address.")), Length(max=254)],
                       render_kw={"autocomplete": "email"})


@bp.route("/my-record", methods=["GET", "POST"])
@limiter.limit(configured_limit("RATELIMIT_RECORD_PER_IP"), methods=["POST"])
def request_link() -> ResponseReturnValue:
    """Ask for a link to one's record; the answer is the same for any address."""
    form = RecordRequestForm()
    if form.validate_on_submit():
        email = email_key(form.email.data or "")
        try:
            count_attempt(limit=rate_limit("RATELIMIT_RECORD_PER_ADDRESS"), keys=[f"record:{email}"])
        except TooManyAttempts:
            pass  # one email per address per window; the page stays the same, so it says nothing
        else:
            # As typed: the email goes there, in the page's language.
            request_record_link(email=form.email.data or "", now=utcnow(), language=page_language())
        return redirect(url_for("records.link_sent"))
    status = 400 if form.is_submitted() else 200
    return render_template("records/request.html", form=form), status


@bp.get("/my-record/sent")
def link_sent() -> str:
    return render_template("records/sent.html")


def _entries(token: str) -> list[RecordEntry]:
    try:
        return attended_by(email_key_for_link(token, now=utcnow()))
    except RecordLinkNotFound:
        abort(404)
    except RecordLinkExpired:
        abort(410)


@bp.get("/my-record/<token>")
def record(token: str) -> str:
    """The record: every attended session with hours and a total; printable."""
    return render_record_page(_entries(token), token)


@bp.get("/my-record/<token>/record.csv")
def record_csv(token: str) -> Response:
    """The record as CSV for a district PD system."""
    entries = _entries(token)
    return Response(record_csv_rows(entries), mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="professional-learning-record.csv"'})
