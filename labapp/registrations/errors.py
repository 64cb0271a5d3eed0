"""Outcomes of registration rules that a person must be told about."""

from __future__ import annotations


class RegistrationError(Exception):
    """Base class: the message is safe to show to the person."""


class RegistrationClosed(RegistrationError):
    """The session is not taking registrations (window closed, draft, cancelled, started)."""


class InvalidEmail(RegistrationError):
    """The address is not a valid email address."""


class RegistrationNotFound(RegistrationError):
    """No registration for that link."""


class NotWaitlisted(RegistrationError):
    """The action needs a waitlisted registration."""


class SessionAlreadyStarted(RegistrationError):
    """Changes are no longer possible because the session started."""
