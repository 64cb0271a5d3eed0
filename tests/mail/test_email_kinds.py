"""Every kind of email is one enum member with its templates and calendar part beside it."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from labapp.db import db
from labapp.mail.calendar import CalendarMethod
from labapp.mail.kinds import KINDS, EmailKind
from tests.factories import now_utc
from tests.helpers import outbox
from tests.mail.support import queue_plain

MAIL_TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "mail"


def test_every_kind_has_its_subject_text_and_html_templates():
    assert set(KINDS) == set(EmailKind)
    missing = [f"{kind.template}{suffix}" for kind in EmailKind for suffix in (".subject.txt", ".txt", ".html")
               if not (MAIL_TEMPLATES / f"{kind.template}{suffix}").is_file()]
    assert missing == []


def test_invites_go_with_confirmations_and_updates_and_removals_with_cancellations():
    assert {kind for kind in EmailKind if kind.invite == CalendarMethod.REQUEST} == {
        EmailKind.CONFIRMED, EmailKind.PROMOTED, EmailKind.SESSION_UPDATED}
    assert {kind for kind in EmailKind if kind.invite == CalendarMethod.CANCEL} == {
        EmailKind.CANCELLED, EmailKind.SESSION_CANCELLED}


def test_a_row_written_as_a_plain_string_loads_as_its_kind(app):
    # Rows written before the enum hold the same strings: they must load as members.
    now = now_utc()
    [row] = queue_plain(1, now=now)
    db.session.execute(text("UPDATE outbox_messages SET kind = 'reminder' WHERE id = :id"), {"id": row.id})
    db.session.commit()
    db.session.expire_all()
    [loaded] = outbox()
    assert loaded.kind is EmailKind.REMINDER
