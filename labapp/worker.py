"""The background pass: queue due reminders, then deliver pending mail. CLI: `worker`, `reminders send`."""

from __future__ import annotations

import logging
import time

import click
from flask import Flask
from flask.cli import AppGroup

from labapp.clock import parse_instant, utcnow
from labapp.db import db
from labapp.mail.deliver import deliver_pending
from labapp.reminders.services import queue_due_reminders

log = logging.getLogger(__name__)

reminders_cli = AppGroup("reminders", help="Reminder emails.")


def run_pass(*, now) -> dict[str, int]:  # noqa: ANN001
    """One pass of everything the worker does, acting as of `now`."""
    reminders = queue_due_reminders(now=now)
    report = deliver_pending(now=now)
    db.session.remove()
    return {"reminders": reminders, "sent": report.sent, "retried": report.retried, "failed": report.failed}


def _now_option(value: str | None):  # noqa: ANN202
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
    while True:
        started = time.monotonic()
        try:
            if started >= next_full_pass:
                run_pass(now=utcnow())
                next_full_pass = started + interval
            else:
                deliver_pending(now=utcnow())
                db.session.remove()
        except Exception:  # noqa: BLE001 - the worker must outlive a bad pass
            log.exception("worker pass failed")
            db.session.remove()
        time.sleep(min(2.0, interval))


def register_worker_cli(app: Flask) -> None:
    """Add `reminders send` and `worker` to the app's CLI."""
    app.cli.add_command(reminders_cli)
    app.cli.add_command(worker)
