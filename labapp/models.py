"""Imports every model so that metadata (create_all, Alembic autogenerate) sees all tables."""

from labapp.accounts.models import User
from labapp.feedback.models import FeedbackResponse
from labapp.mail.models import MailRequest, OutboxMessage
from labapp.messages.models import AttendeeMessage, AttendeeMessageRecipient
from labapp.privacy.models import AuditEvent
from labapp.protocol.models import ProtocolComponent, ProtocolComponentTranslation, SessionAgendaItem
from labapp.records.models import RecordLink
from labapp.registrations.models import Registration, SeatOffer
from labapp.reminders.models import ReminderDelivery
from labapp.sessions.models import LabSession

__all__ = ["AuditEvent", "LabSession", "OutboxMessage", "RecordLink", "Registration", "SeatOffer", "User"]
__all__ += ["ProtocolComponent", "ProtocolComponentTranslation", "SessionAgendaItem"]
__all__ += ["ReminderDelivery", "MailRequest"]
__all__ += ["AttendeeMessage", "AttendeeMessageRecipient"]
__all__ += ["FeedbackResponse"]
