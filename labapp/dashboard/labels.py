"""Names of statuses, formats and audiences as the dashboard shows them, in the page's language.

The enums' values stay English (CSV exports, the CLI and the database use them); these are for people.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from labapp.messages.models import MessageAudience
from labapp.registrations.models import RegistrationStatus
from labapp.sessions.models import FORMAT_LABELS, SessionStatus

SESSION_STATUS_LABELS: dict[str, Any] = {
    SessionStatus.DRAFT: _l("draft"),
    SessionStatus.PUBLISHED: _l("published"),
    SessionStatus.CANCELLED: _l("cancelled"),
}

SESSION_FORMAT_LABELS: dict[str, Any] = FORMAT_LABELS  # the session package's own names

REGISTRATION_STATUS_LABELS: dict[str, Any] = {
    RegistrationStatus.CONFIRMED: _l("Confirmed"),
    RegistrationStatus.WAITLISTED: _l("Waitlisted"),
    RegistrationStatus.CANCELLED: _l("Cancelled"),
}

AUDIENCE_LABELS: dict[str, Any] = {
    MessageAudience.CONFIRMED: _l("Everyone with a seat"),
    MessageAudience.WAITLISTED: _l("People on the waitlist"),
    MessageAudience.ATTENDED: _l("People who came (checked in)"),
    MessageAudience.ABSENT: _l("People who had a seat but did not come"),
}


SORT_LABELS: dict[str, Any] = {
    "registered": _l("Registered"),
    "name": _l("Name"),
    "organisation": _l("Organisation"),
    "role": _l("Role"),
    "checked_in": _l("Checked in"),
}


def template_labels() -> dict[str, Any]:
    """The label tables every dashboard template may use."""
    return {"status_labels": SESSION_STATUS_LABELS, "format_labels": SESSION_FORMAT_LABELS,
            "registration_status_labels": REGISTRATION_STATUS_LABELS, "audience_labels": AUDIENCE_LABELS,
            "sort_labels": SORT_LABELS}
