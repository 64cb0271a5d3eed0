"""Creating users and checking passwords."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadData, TimestampSigner, URLSafeTimedSerializer
from itsdangerous.encoding import base64_encode, int_to_bytes
from sqlalchemy import select

from labapp.accounts.errors import InvalidResetLink, InvalidUser
from labapp.accounts.models import User, UserRole, new_session_token
from labapp.core.addresses import email_key
from labapp.core.urls import external_url
from labapp.db import db, unit_of_work
from labapp.i18n import DEFAULT_LANGUAGE, supported
from labapp.mail.kinds import EmailKind
from labapp.mail.models import MailRequestKind
from labapp.mail.outbox import queue_email, render_email
from labapp.mail.requests import queue_mail_request

_hasher = PasswordHasher()
# Verifying against this when the email is unknown keeps the timing the same either way.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


def hash_password(password: str) -> str:
    """argon2id hash of a password."""
    return _hasher.hash(password)


def create_user(*, email: str, name: str, role: UserRole, password: str, now: datetime) -> User:
    """Create a sign-in account; emails are unique ignoring case."""
    email = email_key(email)
    if "@" not in email or len(email) > 254:
        raise InvalidUser(_l("Please give a valid email address."))
    validate_password(password)
    if not name.strip():
        raise InvalidUser(_l("Please give a name."))
    with unit_of_work():
        if db.session.scalar(select(User).where(User.email == email)):
            raise InvalidUser(_l("A user with email %(email)s already exists.", email=email))
        user = User(email=email, name=name.strip(), role=role, password_hash=hash_password(password),
                    is_active=True, created_at=now)
        db.session.add(user)
    return user


def find_user_by_email(email: str) -> User | None:
    """The user with this email (any case or spelling that email_key makes the same), if any."""
    return db.session.scalar(select(User).where(User.email == email_key(email)))


def check_password(user: User | None, password: str) -> bool:
    """True when the password matches; constant-ish time when the user is missing."""
    try:
        if user is None:
            _hasher.verify(_DUMMY_HASH, password)
            return False
        return _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# --- Signing in, passwords and reset links ---------------------------------------------------------

# A reset link works for one hour, and only once: it carries a fingerprint of the current password
# hash, so setting a new password (argon2 salts every hash) makes every earlier link invalid.
RESET_MAX_AGE_SECONDS = 3600
RESET_SALT = "labapp.password-reset"


def validate_password(password: str) -> None:
    """Raise InvalidUser when a password is too short or too long to be a good one."""
    if len(password) < 10:
        raise InvalidUser(_l("Passwords need at least 10 characters."))
    if len(password) > 200:
        raise InvalidUser(_l("Passwords can have at most 200 characters."))


def authenticate(*, email: str, password: str, now: datetime) -> User | None:
    """The active user with this email and password (and note the sign-in time), else None.

    The answer is the same for an unknown email and a wrong password, and takes as long.
    """
    user = find_user_by_email(email) if len(email) <= 254 else None
    if not check_password(user, password[:200]) or user is None or not user.is_active:
        return None
    with unit_of_work():
        if _hasher.check_needs_rehash(user.password_hash):
            user.password_hash = hash_password(password)
        user.last_login_at = now
    return user


def set_password(*, user_id: int, password: str) -> User:
    """Replace a user's password; every earlier reset link and every signed-in session stop working."""
    validate_password(password)
    with unit_of_work():
        user = db.session.get(User, user_id)
        if user is None:
            raise InvalidUser(_l("That user no longer exists."))
        user.password_hash = hash_password(password)
        user.session_token = new_session_token()
    return user


def set_active(*, user_id: int, is_active: bool) -> User:
    """Let a user sign in again, or stop them at once (their sessions keep their other facilitators)."""
    with unit_of_work():
        user = db.session.get(User, user_id)
        if user is None:
            raise InvalidUser(_l("That user no longer exists."))
        user.is_active = is_active
        if not is_active:
            user.session_token = new_session_token()
    return user


def set_language(*, user_id: int, language: str) -> User:
    """Choose the language the dashboard, the account pages and this person's emails speak."""
    if supported(language) != language:
        raise InvalidUser(_l("Please choose English or Spanish."))
    with unit_of_work():
        user = db.session.get(User, user_id)
        if user is None:
            raise InvalidUser(_l("That user no longer exists."))
        user.language = language
    return user


def end_all_sessions(*, user_id: int) -> None:
    """Sign the user out in every browser: the session cookies all name the token replaced here."""
    with unit_of_work():
        user = db.session.get(User, user_id)
        if user is not None:
            user.session_token = new_session_token()


def user_for_session(session_token: str) -> User | None:
    """The active user a session cookie names, or None when that session has been ended."""
    if not session_token or len(session_token) > 64:
        return None
    return db.session.scalar(select(User).where(User.session_token == session_token, User.is_active.is_(True)))


def list_users() -> list[User]:
    """Every account, admins first, then by name."""
    return list(db.session.scalars(select(User).order_by(User.role, User.name, User.id)))


def _fingerprint(user: User) -> str:
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:20]


def _reset_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=RESET_SALT)


def _reset_signer() -> TimestampSigner:
    # The signer _reset_serializer() makes for RESET_SALT, built here because make_signer() is only
    # annotated as returning a plain Signer (no timestamps).
    return TimestampSigner(current_app.config["SECRET_KEY"], salt=RESET_SALT)


def make_reset_token(user: User, *, now: datetime) -> str:
    """A signed reset token for this user, valid for an hour from `now` and until the password changes."""
    serializer = _reset_serializer()
    # itsdangerous reads the clock itself; signing with `now` keeps tests and the CLI in step with the app clock.
    signer = _reset_signer()
    payload = serializer.dump_payload({"u": user.id, "f": _fingerprint(user)})
    return _TimestampAt(signer, now).sign(payload).decode()


def user_for_reset_token(token: str, *, now: datetime) -> User:
    """The user a reset token is for, or InvalidResetLink (expired, used, or tampered with)."""
    serializer = _reset_serializer()
    signer = _reset_signer()
    try:
        payload, signed_at = signer.unsign(token.encode(), return_timestamp=True)
        data = serializer.load_payload(payload)
    except BadData:
        raise InvalidResetLink(_l("This link is not valid.")) from None
    if now - signed_at.astimezone(UTC) > timedelta(seconds=RESET_MAX_AGE_SECONDS):
        raise InvalidResetLink(_l("This link has expired. Ask for a new one."))
    user = db.session.get(User, data.get("u")) if isinstance(data, dict) and isinstance(data.get("u"), int) else None
    if user is None or not user.is_active or not hmac.compare_digest(str(data.get("f")), _fingerprint(user)):
        raise InvalidResetLink(_l("This link has already been used or is no longer valid. Ask for a new one."))
    return user


def reset_password(*, token: str, password: str, now: datetime) -> User:
    """Set a new password through a reset link; the link cannot be used again."""
    user = user_for_reset_token(token, now=now)
    return set_password(user_id=user.id, password=password)


def request_password_reset(*, email: str, now: datetime) -> None:
    """Ask the worker for a reset email to this address: the same work whether or not it has an account."""
    queue_mail_request(kind=MailRequestKind.PASSWORD_RESET, email=email, now=now)


def send_password_reset(*, email: str, now: datetime, **_: object) -> bool:
    """(Worker) Queue a reset email when an active account has this email; False when none has."""
    user = find_user_by_email(email) if len(email) <= 254 else None
    if user is None or not user.is_active:
        return False
    token = make_reset_token(user, now=now)
    reset_url = external_url("accounts.reset", token=token)
    # In the language the person chose for their dashboard, whatever the worker's or requester's language.
    language = supported(user.language) or DEFAULT_LANGUAGE
    subject, text_body, html_body = render_email(
        EmailKind.PASSWORD_RESET, language=language, user=user, reset_url=reset_url,
        minutes=RESET_MAX_AGE_SECONDS // 60,
    )
    with unit_of_work():
        queue_email(to_address=user.email, to_name=user.name, subject=subject, text_body=text_body,
                    html_body=html_body, kind=EmailKind.PASSWORD_RESET, now=now, language=language)
    return True


class _TimestampAt:
    """Signs like itsdangerous' TimestampSigner, but with the given instant instead of the system clock."""

    def __init__(self, signer: TimestampSigner, now: datetime) -> None:
        self.signer, self.now = signer, now

    def sign(self, value: bytes) -> bytes:
        timestamp = base64_encode(int_to_bytes(int(self.now.timestamp())))
        value = value + self.signer.sep + timestamp
        return value + self.signer.sep + self.signer.get_signature(value)
