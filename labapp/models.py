"""Imports every model so that metadata (create_all, Alembic autogenerate) sees all tables."""

from labapp.accounts.models import User
from labapp.mail.models import OutboxMessage
from labapp.messages.models import AttendeeMessage, AttendeeMessageRecipient
from labapp.registrations.models import Registration
from labapp.sessions.models import LabSession

__all__ = ["LabSession", "OutboxMessage", "Registration", "User"]
__all__ += ["AttendeeMessage", "AttendeeMessageRecipient"]
