"""Outcomes of registration rules that a person must be told about."""

from __future__ import annotations

from labapp.core.errors import DomainError


class RegistrationError(DomainError):
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


class SeatAlreadyTaken(RegistrationClosed):
    """Someone else accepted the open seat first."""


class NotConfirmed(RegistrationError):
    """Only people with a seat can be checked in."""


class PreworkClosed(DomainError, PermissionError):
    """Pre-work can no longer change: the session started, or the registration was cancelled."""


class InvalidPrework(DomainError, ValueError):
    """An answer breaks a rule (too long); the message says which."""


class CertificateNotAvailable(DomainError, PermissionError):
    """Only confirmed, checked-in attendees get a certificate, and only once the session has ended."""


class InvalidLanguage(DomainError, ValueError):
    """Emails can be written only in a language the site speaks."""
