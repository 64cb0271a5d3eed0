"""The language an email is written in: its reader's, whatever language the page or worker speaks."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask_babel import force_locale

from labapp.i18n import DEFAULT_LANGUAGE, supported


def email_language(code: str | None) -> str:
    """A language emails are written in: `code` when the site speaks it, else English."""
    return supported(code) or DEFAULT_LANGUAGE


@contextmanager
def in_language(code: str | None) -> Iterator[str]:
    """Render everything inside (gettext, dates, protocol texts) in `code`; yields the language used."""
    language = email_language(code)
    with force_locale(language):
        yield language
