"""What a reminder says: the subject's "when" in words, the stop link, and the rendered email."""

from __future__ import annotations

import hmac
import math
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext, ngettext

from labapp.core.urls import external_url
from labapp.mail.kinds import EmailKind
from labapp.mail.language import in_language
from labapp.mail.models import OutboxMessage
from labapp.mail.outbox import queue_email, render_email
from labapp.registrations.links import manage_links
from labapp.registrations.models import Registration
from labapp.sessions.links import agenda_url
from labapp.sessions.models import LabSession
from labapp.timefmt import format_clock, format_day
from labapp.tokens import derive_token

STOP_PURPOSE = "stop-reminders"
# Under this much time left, people think in hours and minutes, not days.
HOURS_WORDING_BELOW_MINUTES = 6 * 60


def stop_token(registration: Registration) -> str:
    """The token of the "stop these reminders" link, derived like the manage token (nothing stored)."""
    return derive_token(STOP_PURPOSE, registration.token_salt)


def is_stop_token(registration: Registration, token: str) -> bool:
    """True when `token` is this registration's stop token (constant-time comparison)."""
    return hmac.compare_digest(stop_token(registration).encode(), token.encode())


def stop_url(registration: Registration) -> str:
    """Absolute URL that stops reminders: a GET asks, a POST (RFC 8058 one-click) stops."""
    return external_url("reminders.stop", registration_id=registration.id, token=stop_token(registration))


def describe_start(starts_at: datetime, *, now: datetime, zone: str) -> str:
    """'starts in 1 hour (4:00 PM EST)', 'starts tomorrow at 4:00 PM EST', 'starts Tue, Dec 8 at …'.

    In the current language ('empieza en 1 hora (16:00 EST)').
    """
    clock = format_clock(starts_at, zone)
    minutes = max(math.ceil((starts_at - now).total_seconds() / 60), 1)
    if minutes < 60:
        return str(ngettext("starts in %(num)d minute (%(clock)s)", "starts in %(num)d minutes (%(clock)s)",
                            minutes, clock=clock))
    if minutes < HOURS_WORDING_BELOW_MINUTES:
        hours = (minutes + 30) // 60
        return str(ngettext("starts in %(num)d hour (%(clock)s)", "starts in %(num)d hours (%(clock)s)", hours,
                            clock=clock))
    tz = ZoneInfo(zone)
    days = (starts_at.astimezone(tz).date() - now.astimezone(tz).date()).days
    if days <= 0:
        return str(gettext("starts today at %(clock)s", clock=clock))
    if days == 1:
        return str(gettext("starts tomorrow at %(clock)s", clock=clock))
    return str(gettext("starts %(day)s at %(clock)s", day=format_day(starts_at, zone), clock=clock))


def queue_reminder_email(
    registration: Registration, lab: LabSession, *, now: datetime, prompts: list[str]
) -> OutboxMessage:
    """Render the reminder for this person, in their language, and add it to the outbox (caller's transaction).

    `prompts` must already be in that language (computed inside `in_language(registration.language)`).
    """
    unsubscribe = stop_url(registration)
    with in_language(registration.language) as language:
        when_words = describe_start(lab.starts_at, now=now, zone=lab.timezone)
    context = {
        "registration": registration,
        "lab": lab,
        "when_words": when_words,
        **manage_links(registration),
        "stop_url": unsubscribe,
        "agenda_url": agenda_url(lab),
        "protocol_url": external_url("protocol.index"),
        "prompts": prompts,
    }
    subject, text_body, html_body = render_email(EmailKind.REMINDER, language=language, **context)
    return queue_email(
        to_address=registration.email,
        to_name=registration.full_name,
        subject=subject,
        text_body=text_body,
        html_body=html_body,
        kind=EmailKind.REMINDER,
        now=now,
        reply_to=lab.reply_to or current_app.config.get("MAIL_REPLY_TO"),
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
        registration_id=registration.id,
        language=language,
    )
