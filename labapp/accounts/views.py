"""Signing in and out, and resetting a forgotten password."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from labapp.accounts.forms import LoginForm, NewPasswordForm, ResetRequestForm
from labapp.accounts.services import (
    InvalidResetLink,
    InvalidUser,
    authenticate,
    end_all_sessions,
    request_password_reset,
    reset_password,
    user_for_reset_token,
)
from labapp.clock import utcnow
from labapp.core.redirects import local_target
from labapp.extensions import limiter
from labapp.registrations.forms import ConfirmForm

bp = Blueprint("accounts", __name__, url_prefix="/account")

GENERIC_LOGIN_ERROR = "That email and password don't match an account. Please check both and try again."


def _login_limit() -> str:
    return current_app.config.get("RATELIMIT_LOGIN", "5 per minute")


def _account_key() -> str:
    """Rate-limit key per account tried, so one address cannot be guessed at from many IPs."""
    return "login:" + (request.form.get("email") or "").strip().lower()[:254]


def _failed(response: Response) -> bool:
    # Only failed attempts count: a correct sign-in answers with a redirect.
    return response.status_code != 302


def _safe_next(target: str | None) -> str:
    """Only pages of this site, so the login page cannot bounce people to another one."""
    return local_target(target) or url_for("dashboard.overview")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], deduct_when=_failed)
@limiter.limit(_login_limit, methods=["POST"], key_func=_account_key, deduct_when=_failed)
def login() -> Response | str | tuple[str, int]:
    """Sign in; the error never says whether the email has an account."""
    if current_user.is_authenticated and request.method == "GET":
        return redirect(url_for("dashboard.overview"))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(email=form.email.data or "", password=form.password.data or "", now=utcnow())
        if user is not None:
            next_url = _safe_next(request.args.get("next"))
            # A new session at sign-in: nothing set before it (by anyone) carries over.
            session.clear()
            login_user(user)
            session.permanent = False
            return redirect(next_url)
        form.form_errors.append(GENERIC_LOGIN_ERROR)
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
    return _sign_out_everywhere("You are signed out.")


@bp.get("/")
@login_required
def account() -> str:
    """The signed-in person's account: who they are, changing the password, signing out everywhere."""
    return render_template("accounts/account.html", form=ConfirmForm())


@bp.post("/sign-out-everywhere")
@login_required
def sign_out_everywhere() -> Response:
    """End every session of this account, in every browser (this one too)."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return _sign_out_everywhere("You are signed out in every browser and on every device.")


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit("5 per hour", methods=["POST"], key_func=lambda: "reset:" + _account_key())
@limiter.limit("20 per hour", methods=["POST"])
def reset_request() -> Response | str:
    """Ask for a reset link; the answer is the same whether or not the email has an account."""
    form = ResetRequestForm()
    if form.validate_on_submit():
        request_password_reset(email=form.email.data or "", now=utcnow())
        return render_template("accounts/reset_sent.html")
    return render_template("accounts/reset_request.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"])
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
            flash("Your new password is set. Please sign in with it.", "success")
            return redirect(url_for("accounts.login"))
    return render_template("accounts/reset.html", form=form, token=token), (400 if request.method == "POST" else 200)


@bp.errorhandler(429)
def too_many_attempts(error: Exception) -> tuple[str, int]:
    """A friendly page instead of a bare 429."""
    return render_template("accounts/too_many_attempts.html"), 429
