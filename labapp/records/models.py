"""Time-limited links to a person's professional-learning record (no account needed)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from labapp.db import Model


class RecordLink(Model):
    __tablename__ = "record_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    email_key: Mapped[str] = mapped_column(String(254), index=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
