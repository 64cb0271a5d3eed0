"""Outcomes of messages rules that the caller must handle; each message is safe to show."""

from __future__ import annotations

from labapp.core.errors import DomainError


class NobodyToMessage(DomainError, ValueError):
    """The chosen audience has nobody in it."""


class InvalidMessage(DomainError, ValueError):
    """The subject or body is empty or too long."""


class AudienceNotYetAvailable(InvalidMessage):
    """Attended / absent before the session has started: nobody has come or missed it yet."""
