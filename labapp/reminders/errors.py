"""Outcomes of reminders rules that the caller must handle; each message is safe to show."""

from __future__ import annotations

from labapp.core.errors import DomainError


class ReminderLinkInvalid(DomainError, LookupError):
    """The stop-reminders link does not match any registration."""
