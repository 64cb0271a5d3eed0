"""The protocol's components, in order, and each session's agenda built from them."""

from __future__ import annotations

from datetime import datetime
from typing import TypedDict

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from labapp.db import Model


class Prompt(TypedDict):
    """One reflection prompt, as stored in ProtocolComponent.reflection_prompts."""

    id: str  # e.g. "norms-for-listening-1": pre-work answers are keyed by it, so it never changes
    text: str


class ProtocolComponent(Model):
    """One step of the protocol: purpose, suggested minutes, questions, notes (Markdown), prompts."""

    __tablename__ = "protocol_components"
    __table_args__ = (CheckConstraint("minutes >= 1", name="minutes_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stable once created: page anchors and reflection-prompt ids are built from it.
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    position: Mapped[int] = mapped_column(index=True)
    title: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(Text)
    minutes: Mapped[int]
    guiding_questions: Mapped[list[str]] = mapped_column(JSON, default=list)
    facilitator_notes: Mapped[str] = mapped_column(Text, default="")  # Markdown, sanitised on render
    reflection_prompts: Mapped[list[Prompt]] = mapped_column(JSON, default=list)
    is_commitments: Mapped[bool] = mapped_column(default=False)
    is_retired: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime | None]

    @property
    def prompt_texts(self) -> list[str]:
        return [prompt["text"] for prompt in self.reflection_prompts or []]

    def __repr__(self) -> str:
        return f"<ProtocolComponent {self.id} {self.slug}>"


class ProtocolComponentTranslation(Model):
    """A component's text in another language than English; an empty field shows the English one.

    Minutes, order, the commitments flag and retirement belong to the component, not to a
    language. Prompts carry the ids of the English prompts they translate, so pre-work answers
    given in any language group under one question.
    """

    __tablename__ = "protocol_component_translations"
    __table_args__ = (UniqueConstraint("component_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    component_id: Mapped[int] = mapped_column(ForeignKey("protocol_components.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(10))
    title: Mapped[str] = mapped_column(String(200), default="")
    purpose: Mapped[str] = mapped_column(Text, default="")
    guiding_questions: Mapped[list[str]] = mapped_column(JSON, default=list)
    facilitator_notes: Mapped[str] = mapped_column(Text, default="")  # Markdown, sanitised on render
    reflection_prompts: Mapped[list[Prompt]] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"<ProtocolComponentTranslation {self.component_id} {self.language}>"


class SessionAgendaItem(Model):
    """One line of a session's agenda: which component, in which place, for how many minutes."""

    __tablename__ = "session_agenda_items"
    __table_args__ = (
        CheckConstraint("minutes >= 1", name="minutes_positive"),
        UniqueConstraint("lab_session_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lab_session_id: Mapped[int] = mapped_column(ForeignKey("lab_sessions.id", ondelete="CASCADE"))
    component_id: Mapped[int] = mapped_column(ForeignKey("protocol_components.id"), index=True)
    position: Mapped[int]
    minutes: Mapped[int]

    component: Mapped[ProtocolComponent] = relationship(lazy="joined", innerjoin=True)

    def __repr__(self) -> str:
        return f"<SessionAgendaItem {self.lab_session_id}#{self.position} {self.component_id}>"
