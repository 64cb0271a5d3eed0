"""Creating users and checking passwords."""

from __future__ import annotations

from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select

from labapp.accounts.models import User, UserRole
from labapp.db import db, unit_of_work

_hasher = PasswordHasher()
# Verifying against this when the email is unknown keeps the timing the same either way.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


class InvalidUser(ValueError):
    """The user's fields break a rule; the message says which."""


def hash_password(password: str) -> str:
    """argon2id hash of a password."""
    return _hasher.hash(password)


def create_user(*, email: str, name: str, role: UserRole, password: str, now: datetime) -> User:
    """Create a sign-in account; emails are unique ignoring case."""
    email = email.strip().lower()
    if "@" not in email or len(email) > 254:
        raise InvalidUser("Please give a valid email address.")
    if len(password) < 10:
        raise InvalidUser("Passwords need at least 10 characters.")
    if not name.strip():
        raise InvalidUser("Please give a name.")
    with unit_of_work():
        if db.session.scalar(select(User).where(User.email == email)):
            raise InvalidUser(f"A user with email {email} already exists.")
        user = User(email=email, name=name.strip(), role=role, password_hash=hash_password(password),
                    is_active=True, created_at=now)
        db.session.add(user)
    return user


def find_user_by_email(email: str) -> User | None:
    """The user with this email (any case), if any."""
    return db.session.scalar(select(User).where(User.email == email.strip().lower()))


def check_password(user: User | None, password: str) -> bool:
    """True when the password matches; constant-ish time when the user is missing."""
    try:
        if user is None:
            _hasher.verify(_DUMMY_HASH, password)
            return False
        return _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
