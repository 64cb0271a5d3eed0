"""`flask users create`."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from labapp.accounts.errors import InvalidUser
from labapp.accounts.models import UserRole
from labapp.accounts.services import create_user, find_user_by_email, set_password
from labapp.clock import utcnow

users_cli = AppGroup("users", help="Manage facilitator and admin accounts.")


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", type=click.Choice([r.value for r in UserRole]), required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def create(email: str, name: str, role: str, password: str) -> None:
    """Create a user (prompts for the password when --password is absent)."""
    try:
        user = create_user(email=email, name=name, role=UserRole(role), password=password, now=utcnow())
    except InvalidUser as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Created {user.role} {user.email} (id {user.id})")


@users_cli.command("set-password")
@click.option("--email", required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def set_password_command(email: str, password: str) -> None:
    """Set a user's password (prompts for it when --password is absent)."""
    user = find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No user with email {email.strip().lower()}.")
    try:
        set_password(user_id=user.id, password=password)
    except InvalidUser as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Password set for {user.email}")
