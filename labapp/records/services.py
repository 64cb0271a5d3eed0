"""A person's professional-learning record: the sessions they attended, with hours."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import render_template
from sqlalchemy import delete, select

from labapp.core.csv_export import csv_lines
from labapp.core.urls import external_url
from labapp.db import db, unit_of_work
from labapp.feedback.services import commitments_by_session
from labapp.i18n import DEFAULT_LANGUAGE
from labapp.mail.kinds import EmailKind
from labapp.mail.models import MailRequestKind
from labapp.mail.outbox import queue_email, render_email
from labapp.mail.requests import queue_mail_request
from labapp.records.errors import RecordLinkExpired, RecordLinkNotFound
from labapp.records.models import RecordLink
from labapp.registrations.errors import InvalidEmail
from labapp.registrations.models import Registration, RegistrationStatus
from labapp.registrations.services import normalise_email
from labapp.sessions.models import LabSession
from labapp.timefmt import format_long_day
from labapp.tokens import hash_token, new_random_token

RECORD_LINK_LIFETIME = timedelta(hours=24)
CSV_COLUMNS = ["name", "email", "role", "school", "session", "date", "hours"]


@dataclass(frozen=True)
class RecordEntry:
    """One attended session in a record."""

    registration: Registration

    @property
    def lab(self) -> LabSession:
        return self.registration.lab_session

    @property
    def hours(self) -> float:
        return round(self.lab.duration_minutes / 60, 2)

    @property
    def local_date(self) -> date:
        return self.lab.local_starts_at.date()

    @property
    def facilitators(self) -> str:
        return ", ".join(user.name for user in self.lab.facilitators)


def attended_by(email_key: str) -> list[RecordEntry]:
    """Every session this person was checked in at, oldest first (one query plus facilitators)."""
    registrations = db.session.scalars(
        select(Registration)
        .join(Registration.lab_session)
        .where(
            Registration.email_key == email_key,
            Registration.status == RegistrationStatus.CONFIRMED,
            Registration.checked_in_at.is_not(None),
            Registration.anonymised_at.is_(None),
        )
        .order_by(LabSession.starts_at)
    )
    return [RecordEntry(r) for r in registrations]


def total_hours(entries: list[RecordEntry]) -> float:
    """Sum of hours, from minutes so rounding does not drift."""
    return round(sum(e.lab.duration_minutes for e in entries) / 60, 2)


def request_record_link(*, email: str, now: datetime, language: str = DEFAULT_LANGUAGE) -> None:
    """Ask the worker for a link to this address's record, in `language` (the page's): the same work for any address."""
    queue_mail_request(kind=MailRequestKind.RECORD_LINK, email=email, now=now, language=language)


def send_record_link(*, email: str, now: datetime, language: str = DEFAULT_LANGUAGE, **_: object) -> bool:
    """(Worker) Email a 24-hour link to the record, in `language`, if the address has registrations; False otherwise."""
    try:
        address, email_key = normalise_email(email)
    except InvalidEmail:
        return False
    with unit_of_work():
        known = db.session.scalar(
            select(Registration.id).where(Registration.email_key == email_key, Registration.anonymised_at.is_(None))
            .limit(1)
        )
        if known is None:
            return False
        token, token_hash = new_random_token()
        db.session.add(RecordLink(token_hash=token_hash, email_key=email_key, created_at=now,
                                  expires_at=now + RECORD_LINK_LIFETIME))
        url = external_url("records.record", token=token)
        subject, text_body, html_body = render_email(EmailKind.RECORD_LINK, language=language, record_url=url,
                                                     hours=int(RECORD_LINK_LIFETIME.total_seconds() // 3600))
        queue_email(to_address=address, subject=subject, text_body=text_body, html_body=html_body,
                    kind=EmailKind.RECORD_LINK, now=now, language=language)
    return True


def email_key_for_link(token: str, *, now: datetime) -> str:
    """The email key behind a record link, or RecordLinkNotFound / RecordLinkExpired."""
    if not token or len(token) > 100:
        raise RecordLinkNotFound(token)
    link = db.session.scalar(select(RecordLink).where(RecordLink.token_hash == hash_token(token)))
    if link is None:
        raise RecordLinkNotFound(token)
    if now >= link.expires_at:
        raise RecordLinkExpired(token)
    return link.email_key


def forget_record_links(email_key: str) -> None:
    """Delete a person's record links (part of erasing them)."""
    db.session.execute(delete(RecordLink).where(RecordLink.email_key == email_key))


def record_row(entry: RecordEntry) -> dict[str, object]:
    """One CSV row of a record ({column: value}), the same in a person's record and the dashboard's export."""
    r = entry.registration
    return {"name": r.full_name, "email": r.email, "role": r.role_label, "school": r.organisation,
            "session": entry.lab.title, "date": entry.local_date.isoformat(), "hours": entry.hours}


def record_csv_rows(entries: list[RecordEntry]) -> Iterator[str]:
    """CSV lines a district PD system can import: name, email, role, school, session, date, hours."""
    return csv_lines(CSV_COLUMNS, (record_row(entry) for entry in entries))


def render_record_page(entries: list[RecordEntry], token: str) -> str:
    """The printable record page, with what the person planned to try after each session."""
    planned = commitments_by_session(entries[-1].registration.email_key) if entries else {}
    return render_template("records/record.html", entries=entries, total=total_hours(entries), token=token,
                           planned=planned,
                           name=entries[-1].registration.full_name if entries else "",
                           long_day=format_long_day)
