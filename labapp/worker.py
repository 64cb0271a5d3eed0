"""The background pass: queue due reminders, then deliver pending mail. CLI: `worker`, `reminders send`."""

from __future__ import annotations

import logging
import time
from datetime import datetime

import click
from flask import Flask
from flask.cli import AppGroup

from labapp.accounts.services import send_password_reset
from labapp.clock import parse_instant, utcnow
from labapp.db import db, unit_of_work
from labapp.feedback.follow_up import send_due_follow_ups
from labapp.mail.deliver import deliver_pending
from labapp.mail.models import MailRequestKind
from labapp.mail.requests import resolve_mail_requests
from labapp.privacy.services import purge_expired, remove_delivered_copies_of_erased
from labapp.records.services import send_record_link
from labapp.registrations.services import send_manage_link
from labapp.reminders.services import queue_due_reminders

log = logging.getLogger(__name__)

RETENTION_EVERY_SECONDS = 24 * 3600  # the retention pass runs at start and then daily

reminders_cli = AppGroup("reminders", help="Reminder emails.")


def resolve_requests(*, now: datetime) -> int:
    """Turn every waiting "email me my link" request into an email, or drop it (unknown address)."""
    return resolve_mail_requests(now=now, handlers={
        MailRequestKind.PASSWORD_RESET: send_password_reset,
        MailRequestKind.RECORD_LINK: send_record_link,
        MailRequestKind.MANAGE_LINK: send_manage_link,
    })


def run_pass(*, now: datetime) -> dict[str, int]:
    """One pass of everything scheduled, acting as of `now`: queue due mail, deliver, tidy up."""
    reminders = queue_due_reminders(now=now)
    follow_ups = send_due_follow_ups(now=now)
    requested = resolve_requests(now=now)
    report = deliver_pending(now=now)
    removed = cleanup_erased_copies()
    db.session.remove()
    return {"reminders": reminders, "follow_ups": follow_ups, "requested": requested, "sent": report.sent,
            "retried": report.retried, "failed": report.failed, "erased_copies_removed": removed}


def cleanup_erased_copies() -> int:
    """Delete delivered emails of people who were erased (their last email had to go out first)."""
    with unit_of_work():
        removed = remove_delivered_copies_of_erased()
    return removed


def run_retention(*, now: datetime) -> None:
    """The daily retention pass (RETENTION_DAYS_*)."""
    for line in purge_expired(now=now).lines():
        log.info("retention: %s", line)
    db.session.remove()


def _now_option(value: str | None) -> datetime:
    if value is None:
        return utcnow()
    try:
        return parse_instant(value)
    except ValueError:
        raise click.BadParameter("use ISO 8601, e.g. 2026-12-08T15:00:00Z", param_hint="--now") from None


@reminders_cli.command("send")
@click.option("--now", "now_text", default=None, help="Act as of this ISO 8601 instant.")
def send(now_text: str | None) -> None:
    """One pass: queue every reminder due as of --now and deliver all pending mail."""
    summary = run_pass(now=_now_option(now_text))
    click.echo(" ".join(f"{key}={value}" for key, value in summary.items()))


@click.command("worker")
@click.option("--interval", type=click.FloatRange(0.1, 3600), default=30.0, show_default=True,
              help="Seconds between reminder passes.")
def worker(interval: float) -> None:
    """Run the pass in a loop; pending mail is picked up within a few seconds."""
    log.info("worker started (interval %ss)", interval)
    next_full_pass = 0.0
    next_retention = 0.0
    while True:
        started = time.monotonic()
        try:
            if started >= next_retention:
                run_retention(now=utcnow())
                next_retention = started + RETENTION_EVERY_SECONDS
            if started >= next_full_pass:
                run_pass(now=utcnow())
                next_full_pass = started + interval
            else:
                resolve_requests(now=utcnow())  # links people asked for go out within seconds
                deliver_pending(now=utcnow())
                db.session.remove()
        except Exception:  # the worker must outlive a bad pass
            log.exception("worker pass failed")
            db.session.remove()
        time.sleep(min(2.0, interval))


def register_worker_cli(app: Flask) -> None:
    """Add `reminders send` and `worker` to the app's CLI."""
    app.cli.add_command(reminders_cli)
    app.cli.add_command(worker)
