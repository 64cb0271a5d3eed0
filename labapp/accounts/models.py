"""People who sign in: facilitators and admins."""

from __future__ import annotations

import secrets
from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from labapp.db import Model, str_enum


class UserRole(StrEnum):
    ADMIN = "admin"
    FACILITATOR = "facilitator"


def new_session_token() -> str:
    """A fresh random value for User.session_token."""
    return secrets.token_urlsafe(32)


class User(UserMixin, Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[UserRole] = mapped_column(str_enum(UserRole, length=20), default=UserRole.FACILITATOR)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    last_login_at: Mapped[datetime | None]
    # What the session cookie names instead of the id (Flask-Login's alternative id): replacing it on
    # sign-out, a password change or reset and deactivation ends every session of the account at once,
    # a copied cookie included.
    session_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_session_token)
    # The language the dashboard and account pages speak to this person ("en", "es"); their reset email too.
    language: Mapped[str] = mapped_column(String(5), default="en", server_default="en")

    def get_id(self) -> str:
        return self.session_token

    @property
    def is_admin(self) -> bool:
        return self.role == UserRole.ADMIN

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"
