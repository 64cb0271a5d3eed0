"""Imports every model so that metadata (create_all, Alembic autogenerate) sees all tables."""

from labapp.accounts.models import User
from labapp.mail.models import OutboxMessage
from labapp.registrations.models import Registration
from labapp.reminders.models import ReminderDelivery
from labapp.sessions.models import LabSession

__all__ = ["LabSession", "OutboxMessage", "Registration", "User"]
__all__ += ["ReminderDelivery"]
