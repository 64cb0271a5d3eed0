"""Retention, erasure and export: what labapp keeps about a person, and for how long."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import String, cast, func, literal, select, update

from labapp.accounts.models import User
from labapp.db import db, unit_of_work
from labapp.feedback.services import delete_feedback, erase_feedback_words, export_feedback
from labapp.mail.kinds import Audience, kinds_for
from labapp.mail.outbox import delete_delivered, erase, erase_bodies, find, to_addresses, to_registrations
from labapp.mail.requests import withdraw_mail_requests
from labapp.privacy.models import AuditEvent
from labapp.records.services import forget_record_links
from labapp.registrations.models import Registration, RegistrationStatus
from labapp.registrations.services import cancel_registration, normalise_email
from labapp.sessions.models import LabSession
from labapp.settings import settings

ANONYMOUS_NAME = "Anonymised participant"


@dataclass
class PurgeReport:
    """What one retention pass erased (or would erase, on a dry run)."""

    dry_run: bool
    sensitive_by_session: dict[str, int] = field(default_factory=dict)
    anonymised_by_session: dict[str, int] = field(default_factory=dict)
    outbox_rows_removed: int = 0

    @property
    def sensitive_total(self) -> int:
        return sum(self.sensitive_by_session.values())

    @property
    def anonymised_total(self) -> int:
        return sum(self.anonymised_by_session.values())

    def lines(self) -> list[str]:
        verb = "would erase" if self.dry_run else "erased"
        out = [f"{verb} sensitive answers of {self.sensitive_total} registrations"]
        out += [f"  {slug}: {n}" for slug, n in sorted(self.sensitive_by_session.items())]
        verb = "would anonymise" if self.dry_run else "anonymised"
        out.append(f"{verb} {self.anonymised_total} registrations")
        out += [f"  {slug}: {n}" for slug, n in sorted(self.anonymised_by_session.items())]
        out.append(f"{'would remove' if self.dry_run else 'removed'} {self.outbox_rows_removed} delivered emails")
        return out


def _sessions_ended_before(cutoff: datetime) -> dict[int, str]:
    """Ids and slugs of sessions whose end instant is at or before `cutoff` (one query).

    Sessions are few (hundreds), so the end (start + duration) is computed here
    rather than in dialect-specific SQL date arithmetic.
    """
    rows = db.session.execute(
        select(LabSession.id, LabSession.slug, LabSession.starts_at, LabSession.duration_minutes)
        .where(LabSession.starts_at <= cutoff)
    )
    return {
        row.id: row.slug for row in rows if row.starts_at + timedelta(minutes=row.duration_minutes) <= cutoff
    }


def _counts(session_ids: dict[int, str], *conditions: Any) -> dict[str, int]:
    if not session_ids:
        return {}
    rows = db.session.execute(
        select(Registration.lab_session_id, func.count())
        .where(Registration.lab_session_id.in_(session_ids), *conditions)
        .group_by(Registration.lab_session_id)
    )
    return {session_ids[session_id]: count for session_id, count in rows if count}


def _anonymise_where(*conditions: Any, now: datetime) -> None:
    """Replace name, email, organisation and answers; keep role, focus, status and attendance for reports."""
    anonymous_email = literal("anonymised-") + cast(Registration.id, String) + literal("@invalid.invalid")
    db.session.execute(
        update(Registration)
        .where(*conditions)
        .values(
            full_name=ANONYMOUS_NAME,
            email=anonymous_email,
            email_key=anonymous_email,
            organisation="",
            accommodations="",
            hopes="",
            prework_answers={},
            token_salt="",
            token_hash=literal("anonymised-") + cast(Registration.id, String),
            anonymised_at=now,
            sensitive_erased_at=func.coalesce(Registration.sensitive_erased_at, now),
        )
        .execution_options(synchronize_session=False)
    )


def remove_delivered_copies_of_erased() -> int:
    """Delete sent or failed emails of erased people (pending ones go once delivered): those marked at
    erasure, those of anonymised registrations, and password resets of deactivated accounts."""
    anonymised = select(Registration.id).where(Registration.anonymised_at.is_not(None))
    deactivated = select(func.lower(User.email)).where(User.is_active.is_(False))
    return delete_delivered(
        to_registrations(anonymised),
        to_addresses(deactivated, kinds=kinds_for(Audience.USER)),
    )


def _erase_copies_of_people_leaving(in_scope: Any) -> None:
    """Before anonymising the registrations in scope: erase every email to a person none of whose
    registrations stays (record links and the like carry an address but no registration)."""
    leaving = select(Registration.email_key).where(in_scope, Registration.anonymised_at.is_(None))
    staying = select(Registration.email_key).where(~in_scope, Registration.anonymised_at.is_(None))
    erase(to_addresses(leaving, excluding=staying))


def purge_expired(*, now: datetime, dry_run: bool = False) -> PurgeReport:
    """One retention pass: erase sensitive answers after N days, anonymise after M days.

    Idempotent (each UPDATE only touches rows not yet done) and safe in several
    processes at once: a second process's UPDATE simply matches nothing.
    A constant number of queries, whatever the number of registrations.
    """
    sensitive_days = settings().retention_days_sensitive
    anonymise_days = settings().retention_days_registration
    report = PurgeReport(dry_run=dry_run)
    with unit_of_work():
        sensitive_sessions = _sessions_ended_before(now - timedelta(days=sensitive_days))
        anonymise_sessions = _sessions_ended_before(now - timedelta(days=anonymise_days))
        not_erased = (Registration.sensitive_erased_at.is_(None),)
        not_anonymised = (Registration.anonymised_at.is_(None),)
        report.sensitive_by_session = _counts(sensitive_sessions, *not_erased)
        report.anonymised_by_session = _counts(anonymise_sessions, *not_anonymised)
        if dry_run:
            return report
        if sensitive_sessions:
            in_scope = Registration.lab_session_id.in_(sensitive_sessions)
            erase_bodies(to_registrations(select(Registration.id).where(in_scope, *not_erased)))
            erase_feedback_words(select(Registration.id).where(in_scope, *not_erased), now=now)
            db.session.execute(
                update(Registration)
                .where(in_scope, *not_erased)
                .values(accommodations="", hopes="", prework_answers={}, sensitive_erased_at=now)
                .execution_options(synchronize_session=False)
            )
        if anonymise_sessions:
            _erase_copies_of_people_leaving(Registration.lab_session_id.in_(anonymise_sessions))
            _anonymise_where(Registration.lab_session_id.in_(anonymise_sessions), *not_anonymised, now=now)
        report.outbox_rows_removed = remove_delivered_copies_of_erased()
        if report.sensitive_total or report.anonymised_total:
            db.session.add(AuditEvent(occurred_at=now, action="retention_purge", details={
                "sensitive_erased": report.sensitive_total, "anonymised": report.anonymised_total,
            }))
    return report


def erase_person(*, email: str, now: datetime, actor_user_id: int | None = None) -> int:
    """Erase a person everywhere: cancel what is still ahead (seats go to the waitlist), then anonymise.

    They get a `Cancelled:` email for each upcoming registration. Every email to them, of any kind, is
    deleted: at once if it went out, else by the worker once delivered. Returns how many registrations
    were erased.
    """
    _, email_key = normalise_email(email)
    with unit_of_work():
        registrations = list(
            db.session.scalars(
                select(Registration)
                .where(Registration.email_key == email_key, Registration.anonymised_at.is_(None))
                .order_by(Registration.lab_session_id)  # lock sessions in one order: no deadlocks
            )
        )
        for registration in registrations:
            if registration.status != RegistrationStatus.CANCELLED and now < registration.lab_session.ends_at:
                cancel_registration(registration_id=registration.id, now=now)
        ids = [r.id for r in registrations]
        withdraw_mail_requests(key=email_key)  # "email me my link" requests not yet seen by the worker
        if ids:
            delete_feedback(ids)
            _anonymise_where(Registration.id.in_(ids), now=now)
        db.session.flush()  # the Cancelled: emails are rows now, so they are marked below
        erase(to_addresses([email_key]), to_registrations(ids))
        forget_record_links(email_key)
        db.session.add(AuditEvent(occurred_at=now, actor_user_id=actor_user_id, action="person_erased",
                                  details={"registrations": len(ids)}))
    db.session.expire_all()
    return len(ids)


def export_person(registration: Registration) -> dict[str, Any]:
    """Everything labapp holds about the person behind this registration, as JSON-ready data."""
    registrations = list(
        db.session.scalars(
            select(Registration)
            .where(Registration.email_key == registration.email_key, Registration.anonymised_at.is_(None))
            .order_by(Registration.id)
        )
    )
    emails = find(to_registrations([r.id for r in registrations]), to_addresses([registration.email_key]))
    return {
        "email": registration.email,
        "registrations": [
            {
                "session": r.lab_session.title,
                "session_starts_at": r.lab_session.starts_at.isoformat(),
                "session_timezone": r.lab_session.timezone,
                "status": str(r.status),
                "full_name": r.full_name,
                "email": r.email,
                "role": r.role_label,
                "organisation": r.organisation,
                "focus_populations": r.focus_labels,
                "accommodations": r.accommodations,
                "hopes": r.hopes,
                "prework_answers": r.prework_answers,
                "language": r.language,
                "registered_at": r.registered_at.isoformat(),
                "cancelled_at": r.cancelled_at.isoformat() if r.cancelled_at else None,
                "checked_in_at": r.checked_in_at.isoformat() if r.checked_in_at else None,
                "reminders_stopped_at": r.reminders_stopped_at.isoformat() if r.reminders_stopped_at else None,
            }
            for r in registrations
        ],
        "feedback": export_feedback([r.id for r in registrations]),
        "emails": [
            {"subject": m.subject, "status": str(m.status), "queued_at": m.created_at.isoformat(),
             "sent_at": m.sent_at.isoformat() if m.sent_at else None}
            for m in emails
        ],
        "retention": {
            "sensitive_answers_erased_days_after_session": settings().retention_days_sensitive,
            "registration_anonymised_days_after_session": settings().retention_days_registration,
        },
    }


def erasable_registrations(email: str) -> int:
    """How many registrations erase_person would erase for this address (InvalidEmail for a malformed one)."""
    _, email_key = normalise_email(email)
    return db.session.scalar(
        select(func.count()).select_from(Registration)
        .where(Registration.email_key == email_key, Registration.anonymised_at.is_(None))
    ) or 0


AUDIT_ACTIONS = {"person_erased": "Person erased", "retention_purge": "Retention pass"}
# Who acted when no user did: erasure from the manage link or `privacy erase`, purges by the worker or cron.
AUDIT_ACTORS_WITHOUT_USER = {"person_erased": "the person, or the command line", "retention_purge": "the worker"}


@dataclass(frozen=True)
class AuditLine:
    """One privacy action as admins see it: when, who, what, how many (never whom)."""

    occurred_at: datetime
    actor: str
    action: str
    counts: str


def privacy_audit(*, limit: int = 100) -> list[AuditLine]:
    """The latest privacy actions, newest first (one query); only numbers from `details` are shown."""
    rows = db.session.execute(
        select(AuditEvent, User.name)
        .outerjoin(User, User.id == AuditEvent.actor_user_id)
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
        .limit(limit)
    )
    return [
        AuditLine(
            occurred_at=event.occurred_at,
            actor=name or AUDIT_ACTORS_WITHOUT_USER.get(event.action, "—"),
            action=AUDIT_ACTIONS.get(event.action, event.action.replace("_", " ").capitalize()),
            counts=", ".join(f"{key.replace('_', ' ')}: {value}" for key, value in (event.details or {}).items()
                             if isinstance(value, int) and not isinstance(value, bool)),
        )
        for event, name in rows
    ]
