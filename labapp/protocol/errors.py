"""Outcomes of protocol rules that the caller must handle; each message is safe to show."""

from __future__ import annotations

from labapp.core.errors import DomainError


class ComponentNotFound(DomainError, LookupError):
    """No protocol component with that id."""


class InvalidComponent(DomainError, ValueError):
    """The component's fields break a rule; the message says which."""


class InvalidAgenda(DomainError, ValueError):
    """The agenda breaks a rule (too long for the session, unknown component, ...); the message says which."""
