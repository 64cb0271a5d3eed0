"""Registering, and the private manage page behind each person's link."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from babel.lists import format_list
from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

from labapp.clock import utcnow
from labapp.core import render_error
from labapp.core.addresses import email_key
from labapp.core.attempts import count_attempt
from labapp.core.forms import ConfirmForm, strip_control_characters
from labapp.extensions import configured_limit, limiter
from labapp.i18n import LANGUAGES, current_language, page_language
from labapp.protocol.forms import ButtonForm
from labapp.registrations.certificates import certificate_for
from labapp.registrations.errors import (
    CertificateNotAvailable,
    InvalidEmail,
    InvalidLanguage,
    InvalidPrework,
    NotWaitlisted,
    PreworkClosed,
    RegistrationClosed,
    RegistrationNotFound,
    SeatAlreadyTaken,
    SessionAlreadyStarted,
)
from labapp.registrations.forms import DetailsForm, EmailLanguageForm, RegistrationForm, ResendLinkForm
from labapp.registrations.invites import calendar_links, has_calendar_entry, invite_download
from labapp.registrations.models import EducatorRole, Registration
from labapp.registrations.prework import manage_panel, save_prework_answers
from labapp.registrations.receipts import (
    Receipt,
    keep_receipt,
    read_receipt,
    receipt_registration,
    shows_what_was_typed,
)
from labapp.registrations.seat_offers import take_offered_seat
from labapp.registrations.services import (
    RegistrationDetails,
    cancel_registration,
    change_email_language,
    find_by_manage_token,
    register,
    resend_manage_link,
    update_details,
    waitlist_position,
)
from labapp.registrations.session_pages import public_session_or_404, render_session_page
from labapp.sessions.errors import SessionNotFound
from labapp.sessions.models import LabSession
from labapp.sessions.reminder_offsets import describe_offset, reminder_offsets_for
from labapp.settings import rate_limit

bp = Blueprint("registrations", __name__)


def _details(form: DetailsForm, email: str) -> RegistrationDetails:
    return RegistrationDetails(
        full_name=form.full_name.data or "",
        email=email,
        role=EducatorRole(form.role.data),
        organisation=form.organisation.data or "",
        focus_populations=list(form.focus_populations.data or []),
        accommodations=form.accommodations.data or "",
        hopes=form.hopes.data or "",
    )


@bp.post("/sessions/<slug>/register")
@limiter.limit(configured_limit("RATELIMIT_REGISTRATION"), methods=["POST"])
def create(slug: str) -> Response | tuple[str, int]:
    """Register for a session: a seat, a waitlist place, or a neutral 'check your email'."""
    now = utcnow()
    form = RegistrationForm()
    if form.validate_on_submit():
        try:
            # By slug: register finds the session in the statement that forecasts its seats.
            result = register(slug=slug, details=_details(form, form.email.data or ""), now=now,
                              language=page_language())
        except SessionNotFound:
            abort(404)
        except InvalidEmail:
            form.email.errors = [*form.email.errors,
                                 gettext("Please enter a valid email address, like name@school.org.")]
        except RegistrationClosed as closed:
            form.form_errors.append(str(closed))
        else:
            # Never the manage link: typing an address proves nothing, so that link goes only by email.
            keep_receipt(result, now=now)
            return redirect(url_for("registrations.result", slug=slug))
    # Drafts are as unknown as a wrong slug, whatever was typed into the form.
    return render_session_page(public_session_or_404(slug), form=form, now=now), 400


def _receipt(lab: LabSession, *, now: datetime) -> tuple[Receipt | None, Registration | None]:
    """This browser's receipt for the session, and the new registration it names (None for a repeat)."""
    receipt = read_receipt(lab.id, now=now)
    return receipt, receipt_registration(receipt) if receipt is not None else None


def _private(response: Response) -> Response:
    """What one browser typed: never stored by a shared cache or kept by the browser."""
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/sessions/<slug>/registered")
def result(slug: str) -> Response:
    """The page after registering, from this browser's receipt: confirmed, waitlisted or 'check your email'.

    410 for any other browser, or once the receipt is older than RECEIPT_LIFETIME.
    """
    lab = public_session_or_404(slug)
    receipt, registration = _receipt(lab, now=utcnow())
    if receipt is not None and receipt.is_repeat:
        page = render_template("registrations/check_email.html", lab=lab, email=receipt.email)
    elif receipt is not None and registration is not None:
        page = render_template(
            "registrations/registered.html",
            lab=lab,
            registration=registration,
            email=receipt.email,
            position=waitlist_position(registration),
            shows_answers=shows_what_was_typed(receipt, registration),
            calendar=calendar_links(registration, join=False,
                                    ics_url=url_for("registrations.result_calendar", slug=lab.slug)),
        )
    else:
        return _private(make_response(render_template("registrations/result_expired.html", lab=lab), 410))
    return _private(make_response(page))


@bp.get("/sessions/<slug>/registered/calendar.ics")
def result_calendar(slug: str) -> Response:
    """The result page's .ics: public details only, with the emailed invite's UID so it adds no second entry."""
    lab = public_session_or_404(slug)
    now = utcnow()
    _, registration = _receipt(lab, now=now)
    if registration is None or not has_calendar_entry(registration):
        abort(410)
    response = Response(invite_download(registration, now=now, private=False), mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="{lab.slug}.ics"'
    return _private(response)


@bp.get("/sessions/<slug>/check-your-email")
def check_email(slug: str) -> str:
    """The neutral page for repeat registrations and link requests: never says who is registered."""
    return render_template("registrations/check_email.html", lab=public_session_or_404(slug))


@bp.route("/sessions/<slug>/resend-link", methods=["GET", "POST"])
@limiter.limit(configured_limit("RATELIMIT_RESEND_PER_IP"), methods=["POST"])
def resend_link(slug: str) -> Response | tuple[str, int]:
    """Lost your link? Type your email; the answer is the same whether or not you are registered."""
    lab = public_session_or_404(slug)
    form = ResendLinkForm()
    if form.validate_on_submit():
        # Per address, so one inbox is not flooded: every spelling of it counts on one key.
        count_attempt(limit=rate_limit("RATELIMIT_RESEND_PER_ADDRESS"),
                      keys=[f"resend:{email_key(form.email.data or '')}"])
        resend_manage_link(lab_session_id=lab.id, email=form.email.data or "", now=utcnow())
        return redirect(url_for("registrations.check_email", slug=lab.slug))
    status = 400 if request.method == "POST" else 200
    return render_template("registrations/resend_link.html", lab=lab, form=form), status


def registration_or_404(token: str) -> Registration:
    """The registration behind a manage link, or a 404 (every page under /manage/<token> starts here)."""
    try:
        return find_by_manage_token(token)
    except RegistrationNotFound:
        abort(404)


@bp.route("/manage/<token>", methods=["GET", "POST"])
@limiter.limit(configured_limit("RATELIMIT_MANAGE"), methods=["POST"])
def manage(token: str) -> Response | str | tuple[str, int]:
    """See and update one's registration."""
    registration = registration_or_404(token)
    now = utcnow()
    form = DetailsForm(obj=registration)
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                update_details(registration_id=registration.id, details=_details(form, registration.email), now=now)
            except SessionAlreadyStarted as error:
                form.form_errors.append(str(error))
            else:
                flash(gettext("Your details are saved."), "success")
                return redirect(url_for("registrations.manage", token=token))
        return _render_manage(registration, token, form, now), 400
    return _render_manage(registration, token, form, now)


def _render_manage(registration: Registration, token: str, form: DetailsForm, now: datetime,
                   language_form: EmailLanguageForm | None = None) -> str:
    lab = registration.lab_session
    offsets = [describe_offset(offset) for offset in reminder_offsets_for(lab)]
    return render_template(
        "registrations/manage.html",
        registration=registration,
        lab=lab,
        token=token,
        form=form,
        position=waitlist_position(registration),
        can_change=now < lab.starts_at and not registration.is_cancelled,
        cancel_form=ConfirmForm(),
        calendar=calendar_links(registration, ics_url=url_for("registrations.invite", token=token)),
        protocol_panel=manage_panel(registration, now=now),
        reminder_offsets=offsets,
        # '24 hours before and 1 hour before', joined the way the page's language joins a list.
        reminder_when=format_list(offsets, locale=current_language()),
        language_form=language_form or EmailLanguageForm(language=registration.language),
    )


@bp.post("/manage/<token>/language")
@limiter.limit(configured_limit("RATELIMIT_MANAGE"), methods=["POST"])
def email_language(token: str) -> Response | tuple[str, int]:
    """Choose the language of every later email to this person."""
    registration = registration_or_404(token)
    now = utcnow()
    form = EmailLanguageForm()
    if form.validate_on_submit():
        try:
            change_email_language(registration_id=registration.id, language=form.language.data or "", now=now)
        except InvalidLanguage:
            form.language.errors = [*form.language.errors, gettext("Please choose a language.")]
        else:
            flash(gettext("We'll write to you in %(language)s from now on.",
                          language=LANGUAGES[registration.language]), "success")
            return redirect(url_for("registrations.manage", token=token))
    return _render_manage(registration, token, DetailsForm(obj=registration), now, language_form=form), 400


@bp.route("/manage/<token>/cancel", methods=["GET", "POST"])
@limiter.limit(configured_limit("RATELIMIT_MANAGE"), methods=["POST"])
def cancel(token: str) -> Response | str:
    """Cancel: a GET only asks 'are you sure?' (mail scanners follow links); the POST cancels."""
    registration = registration_or_404(token)
    form = ConfirmForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            cancel_registration(registration_id=registration.id, now=utcnow())
        except SessionAlreadyStarted as error:
            flash(str(error), "error")
        else:
            flash(gettext("Your registration is cancelled. We've sent you a confirmation."), "success")
        return redirect(url_for("registrations.manage", token=token))
    return render_template("registrations/cancel.html", registration=registration, lab=registration.lab_session,
                           token=token, form=form)


@bp.route("/manage/<token>/take-seat", methods=["GET", "POST"])
@limiter.limit(configured_limit("RATELIMIT_TAKE_SEAT"), methods=["POST"])
def take_seat(token: str) -> Response | str | tuple[str, int]:
    """'I'll take it': a GET shows one button; the POST takes the open seat if nobody was quicker."""
    registration = registration_or_404(token)
    form = ConfirmForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            take_offered_seat(registration_id=registration.id, now=utcnow())
        except (SeatAlreadyTaken, NotWaitlisted, RegistrationClosed) as error:
            flash(str(error), "error")
            return redirect(url_for("registrations.manage", token=token))
        flash(gettext("The seat is yours — you're confirmed. We've emailed you the calendar invite."), "success")
        return redirect(url_for("registrations.manage", token=token))
    return render_template("registrations/take_seat.html", registration=registration,
                           lab=registration.lab_session, token=token, form=form,
                           position=waitlist_position(registration))


@bp.get("/manage/<token>/invite.ics")
def invite(token: str) -> Response:
    """The person's calendar entry as an .ics file (same UID as the emailed invite, so no duplicate)."""
    registration = registration_or_404(token)
    if not has_calendar_entry(registration):
        abort(404)
    response = Response(invite_download(registration, now=utcnow()), mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="{registration.lab_session.slug}.ics"'
    # It carries the private manage link: keep it out of shared caches.
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/manage/<token>/prework", methods=["GET", "POST"])
@limiter.limit(configured_limit("RATELIMIT_PREWORK"), methods=["POST"])
def prework(token: str) -> Response | str | tuple[str, int]:
    """Answer (or change) the reflection prompts before the session; optional."""
    registration = registration_or_404(token)
    now = utcnow()
    panel = manage_panel(registration, now=now)
    if request.method == "GET":
        return render_template("registrations/prework.html", registration=registration, lab=registration.lab_session,
                               token=token, protocol_panel=panel, prework_errors=[])
    answers = {prompt["id"]: strip_control_characters(request.form.get(f"answer-{prompt['id']}", ""))
               for prompt in panel.prompts}
    errors: list[str] = []
    if not ButtonForm().validate_on_submit():
        errors.append(gettext("The form expired. Please reload the page and send it again."))
    else:
        try:
            save_prework_answers(registration_id=registration.id, answers=answers, now=now)
        except (PreworkClosed, InvalidPrework) as error:
            errors.append(str(error))
        else:
            flash(gettext("Your reflections are saved. You can change them until the session starts."), "success")
            return redirect(url_for("registrations.manage", token=token) + "#prework")
    if panel.can_edit:  # keep what they typed; after the start, show only what is really saved
        panel = replace(panel, answers={**panel.answers, **answers})
    return render_template("registrations/prework.html", registration=registration, lab=registration.lab_session,
                           token=token, protocol_panel=panel, prework_errors=errors), 400


@bp.get("/manage/<token>/certificate")
def certificate(token: str) -> str | tuple[str, int]:
    """A printable certificate of participation, for people who attended a session that has ended."""
    registration = registration_or_404(token)
    try:
        contents = certificate_for(registration, now=utcnow())
    except CertificateNotAvailable as error:
        return render_error(403, str(error))
    return render_template("registrations/certificate.html", certificate=contents, registration=registration,
                           token=token)
