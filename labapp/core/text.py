"""Text helpers shared by every domain."""

from __future__ import annotations

import re
import unicodedata


def slugify(text: str) -> str:
    """A readable URL part: 'Listening with Empathy!' -> 'listening-with-empathy'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:80].strip("-") or "session"
