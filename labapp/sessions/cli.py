"""`flask sessions add|list`."""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import click
from flask.cli import AppGroup
from sqlalchemy import select

from labapp.accounts.models import User
from labapp.clock import utcnow
from labapp.db import db
from labapp.sessions.errors import InvalidSession
from labapp.sessions.links import session_url_for
from labapp.sessions.models import SessionFormat, SessionLanguage
from labapp.sessions.services import (
    MAX_CAPACITY,
    MAX_DURATION_MINUTES,
    MIN_DURATION_MINUTES,
    SessionFields,
    create_session,
    is_valid_timezone,
    list_all_sessions,
)

sessions_cli = AppGroup("sessions", help="Create and list Conversation Lab sessions.")


@sessions_cli.command("add")
@click.option("--title", required=True)
@click.option("--starts-at", "starts_at", required=True, help="ISO 8601; no offset = local time.")
@click.option("--timezone", "zone", required=True, help="IANA zone, e.g. America/New_York.")
@click.option("--duration", type=click.IntRange(MIN_DURATION_MINUTES, MAX_DURATION_MINUTES), required=True,
              help="Minutes.")
@click.option("--capacity", type=click.IntRange(1, MAX_CAPACITY), required=True)
@click.option("--format", "fmt", type=click.Choice([f.value for f in SessionFormat]), default="online")
@click.option("--language", type=click.Choice([language.value for language in SessionLanguage]), default="en",
              help="The conversation's language: en, es or bilingual.")
@click.option("--location", default="")
@click.option("--join-url", "join_url", default="")
@click.option("--facilitator", "facilitator_email", default=None, help="Email of an existing user.")
@click.option("--summary", default="")
@click.option("--publish", is_flag=True, help="Publish now (default: draft).")
def add(title: str, starts_at: str, zone: str, duration: int, capacity: int, fmt: str, language: str, location: str,
        join_url: str, facilitator_email: str | None, summary: str, publish: bool) -> None:
    """Create a session and print its public URL on the last line."""
    if not is_valid_timezone(zone):
        raise click.BadParameter(f"unknown time zone {zone!r}", param_hint="--timezone")
    try:
        start = datetime.fromisoformat(starts_at)
    except ValueError:
        raise click.BadParameter("use ISO 8601, e.g. 2026-12-08T16:00", param_hint="--starts-at") from None
    if start.tzinfo is None:
        start = start.replace(tzinfo=ZoneInfo(zone))
    facilitators = []
    if facilitator_email:
        user = db.session.scalar(select(User).where(User.email == facilitator_email.strip().lower()))
        if user is None:
            raise click.BadParameter(f"no user with email {facilitator_email}", param_hint="--facilitator")
        facilitators.append(user)
    try:
        lab = create_session(
            fields=SessionFields(
                title=title,
                starts_at=start,
                timezone=zone,
                duration_minutes=duration,
                capacity=capacity,
                format=SessionFormat(fmt),
                language=SessionLanguage(language),
                location=location,
                join_url=join_url,
                summary=summary,
            ),
            facilitators=facilitators,
            publish=publish,
            now=utcnow(),
        )
    except InvalidSession as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Created {lab.status} session {lab.id}: {lab.title}")
    click.echo(session_url_for(lab.slug))


@sessions_cli.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
def list_(as_json: bool) -> None:
    """List every session with its seat counts."""
    rows = [
        {
            "id": lab.id,
            "slug": lab.slug,
            "title": lab.title,
            "starts_at": lab.local_starts_at.isoformat(),
            "timezone": lab.timezone,
            "duration": lab.duration_minutes,
            "format": str(lab.format),
            "language": str(lab.language),
            "capacity": lab.capacity,
            "confirmed": lab.confirmed_count,
            "waitlisted": lab.waitlisted_count,
            "status": str(lab.status),
            "url": session_url_for(lab.slug),
        }
        for lab in list_all_sessions()
    ]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        click.echo(
            f"{row['id']:>4}  {str(row['starts_at'])[:16]}  {row['timezone']:<20} {row['status']:<10} "
            f"{row['confirmed']}/{row['capacity']} (+{row['waitlisted']} waiting)  {row['title']}"
        )
