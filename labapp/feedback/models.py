"""One attendee's answer to "how was it, and what will you try?" (one per registration)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from labapp.db import Model
from labapp.registrations.models import FOCUS_POPULATIONS, Registration


class FeedbackResponse(Model):
    __tablename__ = "feedback_responses"
    __table_args__ = (
        CheckConstraint("usefulness BETWEEN 1 AND 5", name="usefulness_1_to_5"),
        Index("ix_feedback_responses_session", "lab_session_id", "usefulness"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Unique: one response per registration; a second submit edits it.
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), unique=True)
    # Copied from the registration so per-session reports need no join.
    lab_session_id: Mapped[int] = mapped_column(ForeignKey("lab_sessions.id", ondelete="CASCADE"))
    usefulness: Mapped[int]
    commitment: Mapped[str] = mapped_column(Text, default="")
    suggestion: Mapped[str] = mapped_column(Text, default="")
    focus_populations: Mapped[list[str]] = mapped_column(JSON, default=list)
    submitted_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    # Set when retention erased the words (commitment, suggestion); the score stays for the reports.
    words_erased_at: Mapped[datetime | None]

    registration: Mapped[Registration] = relationship(lazy="raise_on_sql")

    @property
    def focus_labels(self) -> list[str]:
        return [str(FOCUS_POPULATIONS.get(key, key)) for key in self.focus_populations or []]
