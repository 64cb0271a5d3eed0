"""Outcomes of feedback rules that the caller must handle; each message is safe to show."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from labapp.core.errors import DomainError

if TYPE_CHECKING:
    from labapp.sessions.models import LabSession


class FeedbackError(DomainError):
    """Base of the feedback outcomes."""


class FeedbackLinkInvalid(FeedbackError):
    """No such link, or not someone who was asked (answer 404)."""


class FeedbackClosed(FeedbackError):
    """The answering window is over (answer 410)."""

    def __init__(self, lab: LabSession, closed_at: datetime) -> None:
        super().__init__(lab.title)
        self.lab = lab
        self.closed_at = closed_at


class InvalidFeedback(FeedbackError):
    """An answer out of shape (the form normally catches it first)."""
