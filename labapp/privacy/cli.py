"""`flask privacy purge|erase`."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from labapp.clock import parse_instant, utcnow
from labapp.privacy.services import erase_person, purge_expired
from labapp.registrations.errors import InvalidEmail

privacy_cli = AppGroup("privacy", help="Retention and erasure of personal data.")


@privacy_cli.command("purge")
@click.option("--now", "now_text", default=None, help="Act as of this ISO 8601 instant.")
@click.option("--dry-run", is_flag=True, help="Only print what would be erased.")
def purge(now_text: str | None, dry_run: bool) -> None:
    """One retention pass; prints what it erased (or would erase)."""
    try:
        now = parse_instant(now_text) if now_text else utcnow()
    except ValueError:
        raise click.BadParameter("use ISO 8601, e.g. 2027-01-31T00:00:00Z", param_hint="--now") from None
    for line in purge_expired(now=now, dry_run=dry_run).lines():
        click.echo(line)


@privacy_cli.command("erase")
@click.option("--email", required=True, help="The person's email address (any case).")
def erase(email: str) -> None:
    """Erase a person across all sessions (upcoming seats go to the waitlist)."""
    try:
        count = erase_person(email=email, now=utcnow())
    except InvalidEmail as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Erased {count} registration(s).")
