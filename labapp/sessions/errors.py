"""Outcomes of sessions rules that the caller must handle; each message is safe to show."""

from __future__ import annotations

from labapp.core.errors import DomainError


class SessionNotFound(DomainError, LookupError):
    """No session with that id or slug."""


class InvalidSession(DomainError, ValueError):
    """The session's fields break a rule; the message says which."""


class CapacityBelowConfirmed(InvalidSession):
    """Lowering capacity would take seats away from people who already have one."""


class SessionChangeNotAllowed(InvalidSession):
    """The session's state does not allow that change (cancelled, already started, ...)."""
