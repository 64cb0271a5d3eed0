"""The mail package is the outbox's one owner: others ask through labapp.mail.outbox, never write it."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from labapp.mail.deliver import deliver_pending
from labapp.mail.models import OutboxStatus
from labapp.mail.outbox import requeue
from tests.factories import now_utc
from tests.helpers import outbox
from tests.mail.support import point_mail_at, queue_plain
from tests.smtp import free_port

LABAPP = Path(__file__).resolve().parents[2] / "labapp"
# Columns, constructors, the table or its name; a type annotation (`-> OutboxMessage`) or a foreign key to
# the table (`ForeignKey("outbox_messages.id")`) is fine.
OUTBOX_SQL = re.compile(r"OutboxMessage\s*[.(]|\(\s*OutboxMessage\b|(?<!ForeignKey\(\")outbox_messages|\bOUTBOX\b")


def test_no_module_outside_mail_builds_outbox_sql_or_rows():
    offenders = [
        f"{path.relative_to(LABAPP.parent)}:{number}: {line.strip()}"
        for path in sorted(LABAPP.rglob("*.py"))
        if LABAPP / "mail" not in path.parents
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if OUTBOX_SQL.search(line)
    ]
    assert offenders == []


def test_a_requeued_email_keeps_when_it_was_written_and_gets_a_new_day_of_retries(app):
    now = now_utc()
    point_mail_at(app, free_port())  # a mail server that is down
    [row] = queue_plain(1, now=now)
    moment = now
    while outbox()[0].status == OutboxStatus.PENDING:
        moment = outbox()[0].next_attempt_at
        deliver_pending(now=moment)
    assert outbox()[0].failed_at == now + timedelta(hours=24)

    later = now + timedelta(days=2)
    assert requeue(message_id=row.id, now=later) is not None
    again = outbox()[0]
    assert (again.status, again.created_at, again.requeued_at) == (OutboxStatus.PENDING, now, later)
    deliver_pending(now=later)
    # Still down: it is retried, not given up at once for being two days old.
    assert outbox()[0].status == OutboxStatus.PENDING and outbox()[0].attempts > 0
    while outbox()[0].status == OutboxStatus.PENDING:
        deliver_pending(now=outbox()[0].next_attempt_at)
    assert outbox()[0].failed_at == later + timedelta(hours=24)


def test_a_sent_or_unknown_email_cannot_be_requeued(app, smtp):
    now = now_utc()
    [row] = queue_plain(1, now=now)
    deliver_pending(now=now)
    assert requeue(message_id=row.id, now=now) is None
    assert requeue(message_id=row.id + 1, now=now) is None
    assert outbox()[0].status == OutboxStatus.SENT
