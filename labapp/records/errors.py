"""Outcomes of records rules that the caller must handle; each message is safe to show."""

from __future__ import annotations

from labapp.core.errors import DomainError


class RecordLinkExpired(DomainError):
    """The link is older than its lifetime (answer 410)."""


class RecordLinkNotFound(DomainError):
    """No such link (answer 404)."""


class InvalidDateRange(DomainError, ValueError):
    """The range is missing, backwards or longer than three years; the message says which."""
