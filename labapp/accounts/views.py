"""Signing in and out, and resetting a forgotten password."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import force_locale, gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from labapp.accounts.errors import InvalidResetLink, InvalidUser
from labapp.accounts.forms import LanguageForm, LoginForm, NewPasswordForm, ResetRequestForm
from labapp.accounts.services import (
    authenticate,
    end_all_sessions,
    request_password_reset,
    reset_password,
    set_language,
    user_for_reset_token,
)
from labapp.clock import utcnow
from labapp.core.addresses import email_key
from labapp.core.attempts import count_attempt
from labapp.core.forms import ConfirmForm
from labapp.core.redirects import local_target
from labapp.extensions import client_address, configured_limit, limiter
from labapp.settings import rate_limit

bp = Blueprint("accounts", __name__, url_prefix="/account")

GENERIC_LOGIN_ERROR = _l("That email and password don't match an account. Please check both and try again.")


def signed_in_language() -> str | None:
    """The signed-in person's chosen language (i18n asks, to speak it on every page), else None."""
    # Most visitors never signed in: say so without Flask-Login loading a user (it hashes the
    # visitor's address and agent for session protection), which the cached pages' fast path feels.
    remember_cookie = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    if "_user_id" not in session and remember_cookie not in request.cookies:
        return None
    return current_user.language if current_user.is_authenticated else None


def _safe_next(target: str | None) -> str:
    """Only pages of this site, so the login page cannot bounce people to another one."""
    return local_target(target) or url_for("dashboard.overview")


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response | str | tuple[str, int]:
    """Sign in; the error never says whether the email has an account."""
    if current_user.is_authenticated and request.method == "GET":
        return redirect(url_for("dashboard.overview"))
    form = LoginForm()
    if form.validate_on_submit():
        email = email_key(form.email.data or "")
        # Counted before the password is checked (and given back when it was right): guesses sent
        # at once cannot all pass; per IP and per account, on the key the account is looked up by.
        attempt = count_attempt(limit=rate_limit("RATELIMIT_LOGIN"),
                                keys=[f"login-ip:{client_address()}", f"login:{email}"])
        user = authenticate(email=email, password=form.password.data or "", now=utcnow())
        if user is not None:
            attempt.refund()
            next_url = _safe_next(request.args.get("next"))
            # A new session at sign-in: nothing set before it (by anyone) carries over.
            session.clear()
            login_user(user)
            session.permanent = False
            return redirect(next_url)
        form.form_errors.append(str(GENERIC_LOGIN_ERROR))
    status = 400 if request.method == "POST" else 200
    return render_template("accounts/login.html", form=form), status


def _sign_out_everywhere(message: str) -> Response:
    # Replacing the token ends this session and every copy of any session cookie of the account.
    if current_user.is_authenticated:
        end_all_sessions(user_id=current_user.id)
    logout_user()
    session.clear()
    flash(message, "success")
    return redirect(url_for("accounts.login"))


@bp.post("/logout")
def logout() -> Response:
    """Sign out (a POST, so a link or an image cannot sign someone out)."""
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("accounts.login"))
    return _sign_out_everywhere(gettext("You are signed out."))


@bp.get("/")
@login_required
def account() -> str:
    """The signed-in person's account: who they are, their language, the password, signing out everywhere."""
    return render_template("accounts/account.html", form=ConfirmForm(),
                           language_form=LanguageForm(language=current_user.language))


@bp.post("/language")
@login_required
def language() -> Response | tuple[str, int]:
    """Choose the language of the dashboard and of this person's emails; it applies from the next page."""
    form = LanguageForm()
    if form.validate_on_submit():
        try:
            set_language(user_id=current_user.id, language=form.language.data or "")
        except InvalidUser as error:
            form.form_errors.append(str(error))
        else:
            # Said in the language just chosen: the next page speaks it.
            with force_locale(form.language.data or ""):
                flash(gettext("Your language is saved."), "success")
            return redirect(url_for("accounts.account"))
    return render_template("accounts/account.html", form=ConfirmForm(), language_form=form), 400


@bp.post("/sign-out-everywhere")
@login_required
def sign_out_everywhere() -> Response:
    """End every session of this account, in every browser (this one too)."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return _sign_out_everywhere(gettext("You are signed out in every browser and on every device."))


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit(configured_limit("RATELIMIT_RESET_PER_IP"), methods=["POST"])
def reset_request() -> Response | str:
    """Ask for a reset link; the answer is the same whether or not the email has an account."""
    form = ResetRequestForm()
    if form.validate_on_submit():
        email = email_key(form.email.data or "")
        count_attempt(limit=rate_limit("RATELIMIT_RESET_PER_ADDRESS"), keys=[f"reset:{email}"])
        request_password_reset(email=email, now=utcnow())
        return render_template("accounts/reset_sent.html")
    return render_template("accounts/reset_request.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@limiter.limit(configured_limit("RATELIMIT_RESET_PER_IP"), methods=["POST"])
def reset(token: str) -> Response | str | tuple[str, int]:
    """Choose a new password through the emailed link (one hour, once)."""
    now = utcnow()
    try:
        user_for_reset_token(token, now=now)
    except InvalidResetLink as error:
        return render_template("accounts/reset_invalid.html", reason=str(error)), 410
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            reset_password(token=token, password=form.password.data or "", now=now)
        except (InvalidResetLink, InvalidUser) as error:
            form.form_errors.append(str(error))
        else:
            flash(gettext("Your new password is set. Please sign in with it."), "success")
            return redirect(url_for("accounts.login"))
    return render_template("accounts/reset.html", form=form, token=token), (400 if request.method == "POST" else 200)


@bp.errorhandler(429)
def too_many_attempts(error: HTTPException) -> tuple[str, int, dict[str, str]]:
    """A friendly page instead of a bare 429, saying when to try again (Retry-After)."""
    retry_after = {name: value for name, value in error.get_headers() if name == "Retry-After"}
    return render_template("accounts/too_many_attempts.html"), 429, retry_after
