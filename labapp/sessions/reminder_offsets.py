"""Which reminders a session sends: its own override or REMINDER_OFFSETS, and how to say them.

Sending them is labapp.reminders' job; this is the session's setting, which the manage page shows too.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from flask_babel import ngettext

from config import parse_offsets
from labapp.sessions.models import LabSession
from labapp.settings import settings

log = logging.getLogger(__name__)


def describe_offset(offset: timedelta) -> str:
    """'24 hours before', '1 hour before', '90 minutes before', '2 days before' (in the language being rendered)."""
    seconds = int(offset.total_seconds())
    # Days only from two on: people say "24 hours before", not "1 day before".
    if seconds % 86400 == 0 and seconds >= 2 * 86400:
        return str(ngettext("%(num)d day before", "%(num)d days before", seconds // 86400))
    if seconds % 3600 == 0:
        return str(ngettext("%(num)d hour before", "%(num)d hours before", seconds // 3600))
    if seconds % 60 == 0:
        return str(ngettext("%(num)d minute before", "%(num)d minutes before", seconds // 60))
    return str(ngettext("%(num)d second before", "%(num)d seconds before", seconds))


def session_offsets(lab: LabSession, default: list[timedelta]) -> list[timedelta]:
    """The session's own REMINDER_OFFSETS-style override when it is valid, else `default`; largest first.

    An empty override means "no reminders for this session"; an unreadable one falls back to the default.
    """
    if lab.reminder_offsets is None:
        offsets = default
    else:
        try:
            offsets = parse_offsets(lab.reminder_offsets)
        except ValueError:
            log.warning("session %s has unreadable reminder_offsets %r; using the default", lab.id,
                        lab.reminder_offsets)
            offsets = default
    return [offset for offset in offsets if offset > timedelta(0)]


def reminder_offsets_for(lab: LabSession) -> list[timedelta]:
    """The reminders this session sends, largest first (the session's own, or REMINDER_OFFSETS)."""
    return session_offsets(lab, list(settings().reminder_offsets))
