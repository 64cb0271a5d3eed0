"""Outcomes of accounts rules that the caller must handle; each message is safe to show."""

from __future__ import annotations

from labapp.core.errors import DomainError


class InvalidUser(DomainError, ValueError):
    """The user's fields break a rule; the message says which."""


class InvalidResetLink(DomainError, ValueError):
    """The reset link is malformed, expired, already used or for an inactive account."""
