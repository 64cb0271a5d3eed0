"""Helpers for the mail tests: queue plain emails, point the app at another SMTP port, read MIME parts."""

from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage

from flask import Flask
from icalendar import Calendar

from labapp.db import unit_of_work
from labapp.extensions import mail
from labapp.mail.kinds import EmailKind
from labapp.mail.models import OutboxMessage
from labapp.mail.outbox import queue_email


def queue_plain(count: int, *, now: datetime, **overrides) -> list[OutboxMessage]:
    """Queue `count` simple emails (subjects 'Message 0', 'Message 1', ...)."""
    with unit_of_work():
        rows = [
            queue_email(**{
                "to_address": f"person{n}@example.edu",
                "to_name": f"Person {n}",
                "subject": f"Message {n}",
                "text_body": f"Hello {n}\n",
                "html_body": f"<p>Hello {n}</p>\n",
                "kind": EmailKind.MANAGE_LINK,
                "now": now,
                **overrides,
            })
            for n in range(count)
        ]
    return rows


def point_mail_at(app: Flask, port: int) -> None:
    """Send to 127.0.0.1:port from now on (a closed port is a mail server that is down)."""
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    mail.init_app(app)


def content_types(message: EmailMessage) -> list[str]:
    """Every part's content type, depth first: the MIME tree flattened."""
    return [part.get_content_type() for part in message.walk()]


def calendar_part(message: EmailMessage) -> EmailMessage | None:
    return next((part for part in message.walk() if part.get_content_type() == "text/calendar"), None)


def invite_of(message: EmailMessage) -> Calendar:
    """The calendar attached to an email, parsed with icalendar."""
    part = calendar_part(message)
    assert part is not None, "no text/calendar part"
    return Calendar.from_ical(part.get_content())


def body_text(message: EmailMessage, subtype: str) -> str:
    part = message.get_body(preferencelist=(subtype,))
    assert part is not None and part.get_content_type() == f"text/{subtype}"
    return part.get_content()
