"""Registering, updating, cancelling and promoting: the rules about seats."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from functools import cache
from typing import Any

from email_validator import EmailNotValidError
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import lazyload
from sqlalchemy.orm.attributes import set_committed_value

from labapp.core.addresses import split_address
from labapp.db import db, is_postgres, unit_of_work
from labapp.i18n import DEFAULT_LANGUAGE, supported
from labapp.mail.kinds import EmailKind
from labapp.mail.language import email_language
from labapp.mail.models import MailRequestKind
from labapp.mail.requests import queue_mail_request
from labapp.registrations import forecast
from labapp.registrations.claim import Claim, claim_seat
from labapp.registrations.errors import (
    InvalidEmail,
    InvalidLanguage,
    RegistrationClosed,
    RegistrationNotFound,
    SessionAlreadyStarted,
)
from labapp.registrations.links import MANAGE_PURPOSE
from labapp.registrations.models import FOCUS_POPULATIONS, EducatorRole, Registration, RegistrationStatus
from labapp.registrations.notifications import (
    PLACE_IN_LINE,
    PreparedEmail,
    prepare_registration_email,
    queue_registration_email,
)
from labapp.registrations.seat_offers import is_inside_cutoff, offer_freed_seat, seats_on_offer
from labapp.registrations.seats import fill_free_seats, lock_registration
from labapp.sessions.errors import SessionNotFound
from labapp.sessions.models import LabSession
from labapp.sessions.services import lock_lab_session
from labapp.tokens import derive_token, hash_token, new_salt


class Outcome(StrEnum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    ALREADY_REGISTERED = "already_registered"


@dataclass(frozen=True)
class RegistrationDetails:
    """What a person types into the registration or update form."""

    full_name: str
    email: str
    role: EducatorRole
    organisation: str = ""
    focus_populations: list[str] = field(default_factory=list)
    accommodations: str = ""
    hopes: str = ""


@dataclass(frozen=True)
class RegistrationResult:
    registration: Registration
    outcome: Outcome
    # Read before the commit expires the row, so a caller needs no further query (see receipts.py).
    lab_session_id: int = 0
    email: str = ""  # as typed, with the domain lower-cased
    registration_id: int | None = None  # None for a repeat: that row is whoever registered first


def normalise_email(raw: str) -> tuple[str, str]:
    """(address as typed with its domain lower-cased, matching key) or InvalidEmail.

    Two registrations are the same person when the whole address matches
    ignoring case (contract); the key is core.addresses' one normalised form.
    """
    try:
        address, key = split_address(raw)
    except EmailNotValidError as error:
        raise InvalidEmail(str(error)) from None
    if len(address) > 254:
        raise InvalidEmail(_l("That email address is too long."))
    return address, key


def _clean(details: RegistrationDetails) -> RegistrationDetails:
    focus = [key for key in dict.fromkeys(details.focus_populations) if key in FOCUS_POPULATIONS]
    return RegistrationDetails(
        full_name=" ".join(details.full_name.split())[:200],
        email=details.email,
        role=EducatorRole(details.role),
        organisation=" ".join(details.organisation.split())[:200],
        focus_populations=focus,
        accommodations=details.accommodations.strip()[:1000],
        hopes=details.hopes.strip()[:1000],
    )


def active_registration_for(lab_session_id: int, email_key: str) -> Registration | None:
    """The person's confirmed or waitlisted registration for a session, if any."""
    return db.session.scalar(
        select(Registration).where(
            Registration.lab_session_id == lab_session_id,
            Registration.email_key == email_key,
            Registration.status != RegistrationStatus.CANCELLED,
        )
    )


@cache
def _lookup_statement(by: str) -> Select[Any]:
    """The session by id or slug, with the id of the person's active registration there (if any).

    Built once (on first use, when every model is mapped): every registration runs it, and
    building a statement costs more Python time than PostgreSQL takes to answer it.
    """
    column = LabSession.slug if by == "slug" else LabSession.id
    existing = select(Registration.id).where(
        Registration.lab_session_id == LabSession.id,
        Registration.email_key == bindparam("email_key"),
        Registration.status != RegistrationStatus.CANCELLED,
    ).scalar_subquery()  # the partial unique index on (lab_session_id, email_key)
    return (
        select(LabSession, existing)
        .where(column == bindparam("key"))
        .options(lazyload(LabSession.facilitators))
    )


def session_for_registration(*, email_key: str, lab_session_id: int | None = None, slug: str | None = None
                             ) -> tuple[LabSession, int | None]:
    """The session (not locked), and the person's confirmed or waitlisted registration id there.

    One statement. Its seat counts are a forecast: only the locked row decides (see register).
    """
    by, key = ("slug", slug) if slug is not None else ("id", lab_session_id)
    row = db.session.execute(_lookup_statement(by), {"key": key, "email_key": email_key}).one_or_none()
    if row is None:
        raise SessionNotFound(key)
    return row[0], row[1]


def waitlist_position(registration: Registration) -> int | None:
    """1 for the first person in line; None when not waitlisted."""
    if not registration.is_waitlisted:
        return None
    ahead = db.session.scalar(
        select(func.count()).where(
            Registration.lab_session_id == registration.lab_session_id,
            Registration.status == RegistrationStatus.WAITLISTED,
            Registration.id < registration.id,
        )
    ) or 0
    return ahead + 1


def register(
    *, details: RegistrationDetails, now: datetime, lab_session_id: int | None = None, slug: str | None = None,
    language: str = DEFAULT_LANGUAGE,
) -> RegistrationResult:
    """Give the person a seat, or a waitlist place when full; never two registrations per email.

    The session is named by id or by slug (SessionNotFound when there is none). The seat decision
    and the insert run under the session's row lock, so concurrent requests for the last seat take
    turns and none overbooks. A repeat registration changes nothing and re-sends the person's link.
    `language` (the page's) is the one every email to the person is written in, until they change it.

    Everyone registering for a popular session queues on that one lock, so little happens while
    holding it: the locked row itself carries the seat counts (kept by the database), and the row
    and email are built beforehand from a forecast (the counts a moment earlier), then rebuilt
    under the lock only when the forecast proved wrong (the last seat went, or the session was
    edited). The place in line is filled in under the lock.
    """
    email, email_key = normalise_email(details.email)
    details = _clean(details)
    language = email_language(language)
    try:
        if is_postgres() and not db.session().in_transaction():
            outright = _register_outright(email=email, email_key=email_key, details=details, now=now,
                                          lab_session_id=lab_session_id, slug=slug, language=language)
            if outright is not None:
                return outright
        with unit_of_work():
            lab, existing_id = session_for_registration(email_key=email_key, lab_session_id=lab_session_id,
                                                        slug=slug)
            lab_session_id = lab.id  # when named by slug: the IntegrityError branch below needs the id
            if not lab.is_open_for_registration(now):
                raise RegistrationClosed(closed_reason(lab, now))
            if existing_id is not None:
                # No seat changes hands, so no lock. Its session is already in the identity map.
                existing = db.session.get_one(Registration, existing_id, options=[lazyload(Registration.lab_session)])
                queue_registration_email(existing, kind=EmailKind.MANAGE_LINK, now=now)
                return RegistrationResult(existing, Outcome.ALREADY_REGISTERED, lab_session_id, email)
            forecast_version = _version(lab)
            draft = _Draft.build(lab, email=email, email_key=email_key, details=details,
                                 has_seat=lab.confirmed_count < lab.capacity, now=now, language=language)
            if is_postgres():
                # The usual case in one statement, lock included (see claim.py); the lock stays held if not.
                if _claim(draft, lab, now=now).claimed:
                    registration, has_seat, registration_id = draft.registration, draft.has_seat, draft.registration.id
                    return _result(registration, has_seat, lab_session_id, email, registration_id)
            lab = lock_lab_session(lab.id)
            if not lab.is_open_for_registration(now):
                raise RegistrationClosed(closed_reason(lab, now))
            # A seat on offer to the waitlist (inside PROMOTION_CUTOFF) is not free for a newcomer.
            has_seat = lab.confirmed_count + seats_on_offer(lab) < lab.capacity
            if draft.has_seat != has_seat or _version(lab) != forecast_version:
                draft = _Draft.build(lab, email=email, email_key=email_key, details=details, has_seat=has_seat,
                                     now=now, salt=draft.registration.token_salt, language=language)
            registration = draft.registration
            db.session.add(registration)
            db.session.flush()
            email_message = draft.email
            if not has_seat:
                # The count read under the lock: everyone already waiting is ahead of this person.
                email_message = email_message.fill(PLACE_IN_LINE, lab.waitlisted_count + 1)
            email_message.queue(registration_id=registration.id, now=now)
            registration_id = registration.id
    except IntegrityError:
        repeat = _double_submit(lab_session_id, email_key, email)
        if repeat is None:
            raise
        return repeat
    return _result(registration, has_seat, lab_session_id, email, registration_id)


def _register_outright(*, email: str, email_key: str, details: RegistrationDetails, now: datetime,
                       lab_session_id: int | None, slug: str | None, language: str) -> RegistrationResult | None:
    """The usual registration on PostgreSQL, with no transaction around it; None when it is not the usual case.

    The whole write is one statement (claim.py: lock, check, insert the registration and its email),
    and one statement is one transaction by itself: it is written whole or not at all. So it runs in
    autocommit, which saves the BEGIN and COMMIT round trips (two of a registration's five). Anything
    unusual (a repeat, a closed session, a forecast the lock proved wrong) returns None, and `register`
    decides again in a transaction of its own.
    """
    lab_id = None
    try:
        with unit_of_work():
            db.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
            lab = forecast.recall(lab_session_id=lab_session_id, slug=slug)
            if lab is None:
                lab, existing_id = session_for_registration(email_key=email_key, lab_session_id=lab_session_id,
                                                            slug=slug)
                if existing_id is not None:
                    return None
            if not lab.is_open_for_registration(now):
                return None
            lab_id = lab.id
            draft = _Draft.build(lab, email=email, email_key=email_key, details=details,
                                 has_seat=lab.confirmed_count < lab.capacity, now=now, language=language)
            try:
                claim = _claim(draft, lab, now=now)
            except SessionNotFound:
                forecast.forget(lab)  # deleted since it was seen
                raise
            if not claim.claimed:
                if not claim.already_registered:
                    forecast.forget(lab)  # the lock proved it wrong: the next registration reads the session
                return None
            forecast.remember(lab, confirmed_count=claim.confirmed_count + draft.has_seat,
                              waitlisted_count=claim.waitlisted_count + (not draft.has_seat))
            return _result(draft.registration, draft.has_seat, lab_id, email, draft.registration.id)
    except IntegrityError:
        repeat = _double_submit(lab_id, email_key, email)
        if repeat is None:
            raise
        return repeat


def _claim(draft: _Draft, lab: LabSession, *, now: datetime) -> Claim:
    """Lock `lab` and insert the draft's registration and email if its forecast holds (claim.py)."""
    message = draft.email.queue(registration_id=None, now=now)
    db.session.expunge(message)  # written by claim_seat, not by the unit of work
    return claim_seat(draft.registration, message, lab=lab, has_seat=draft.has_seat, marker=PLACE_IN_LINE)


def _double_submit(lab_session_id: int | None, email_key: str, email: str) -> RegistrationResult | None:
    """After a unique-index violation: the same person registering twice at once, and the unique index
    kept the other request's row. None when that row is not there (then the violation was something else)."""
    first = None if lab_session_id is None else active_registration_for(lab_session_id, email_key)
    if first is None:
        return None
    return RegistrationResult(first, Outcome.ALREADY_REGISTERED, first.lab_session_id, email)


def _result(registration: Registration, has_seat: bool, lab_session_id: int, email: str,
            registration_id: int | None) -> RegistrationResult:
    # No token in the result: the manage link goes only by email (see receipts.py).
    outcome = Outcome.CONFIRMED if has_seat else Outcome.WAITLISTED
    return RegistrationResult(registration, outcome, lab_session_id, email, registration_id)


def _version(lab: LabSession) -> tuple[object, ...]:
    """What a registration email shows of its session changes only with these (every edit stamps updated_at)."""
    return lab.updated_at, lab.sequence, lab.status


@dataclass(frozen=True)
class _Draft:
    """A registration not yet added to the database, with its rendered email."""

    registration: Registration
    has_seat: bool
    email: PreparedEmail

    @classmethod
    def build(cls, lab: LabSession, *, email: str, email_key: str, details: RegistrationDetails, has_seat: bool,
              now: datetime, language: str, salt: str | None = None) -> _Draft:
        salt = salt or new_salt()
        token = derive_token(MANAGE_PURPOSE, salt)
        registration = Registration(
            lab_session_id=lab.id,
            email=email,
            email_key=email_key,
            full_name=details.full_name,
            role=details.role,
            organisation=details.organisation,
            focus_populations=details.focus_populations,
            accommodations=details.accommodations,
            hopes=details.hopes,
            prework_answers={},
            status=RegistrationStatus.CONFIRMED if has_seat else RegistrationStatus.WAITLISTED,
            token_salt=salt,
            token_hash=hash_token(token),
            consented_at=now,
            registered_at=now,
            confirmed_at=now if has_seat else None,
            waitlisted_at=None if has_seat else now,
            updated_at=now,
            language=language,
        )
        # Linked without events: a draft that is thrown away must not linger in lab.registrations.
        set_committed_value(registration, "lab_session", lab)
        kind = EmailKind.CONFIRMED if has_seat else EmailKind.WAITLISTED
        prepared = prepare_registration_email(registration, kind=kind, now=now, position=PLACE_IN_LINE)
        return cls(registration=registration, has_seat=has_seat, email=prepared)


def closed_reason(lab: LabSession, now: datetime) -> str:
    """A sentence telling the person why they cannot register, in the language being rendered."""
    if lab.is_cancelled:
        return str(_l("This session has been cancelled."))
    if not lab.is_published:
        return str(_l("This session is not open for registration."))
    if now >= lab.starts_at:
        return str(_l("This session has already started."))
    if lab.registration_opens_at and now < lab.registration_opens_at:
        return str(_l("Registration for this session has not opened yet."))
    return str(_l("Registration for this session has closed."))


def find_by_manage_token(token: str) -> Registration:
    """The registration behind a manage link, or RegistrationNotFound."""
    if not token or len(token) > 100:
        raise RegistrationNotFound(_l("That link is not valid."))
    registration = db.session.scalar(select(Registration).where(Registration.token_hash == hash_token(token)))
    if registration is None or registration.anonymised_at is not None:
        raise RegistrationNotFound(_l("That link is not valid."))
    return registration


def update_details(*, registration_id: int, details: RegistrationDetails, now: datetime) -> Registration:
    """Change a person's name, role, organisation and answers (the email stays: it is who they are)."""
    details = _clean(details)
    with unit_of_work():
        registration = db.session.get(Registration, registration_id)
        if registration is None:
            raise RegistrationNotFound(_l("That registration no longer exists."))
        if now >= registration.lab_session.starts_at:
            raise SessionAlreadyStarted(_l("This session has started, so details can no longer change."))
        registration.full_name = details.full_name
        registration.role = details.role
        registration.organisation = details.organisation
        registration.focus_populations = details.focus_populations
        registration.accommodations = details.accommodations
        registration.hopes = details.hopes
        registration.updated_at = now
    return registration


def change_email_language(*, registration_id: int, language: str, now: datetime) -> Registration:
    """Write every later email to this person in `language` (InvalidLanguage when the site does not speak it)."""
    if supported(language) != language:
        raise InvalidLanguage(language)
    with unit_of_work():
        registration = db.session.get(Registration, registration_id)
        if registration is None or registration.anonymised_at is not None:
            raise RegistrationNotFound("That registration no longer exists.")
        if registration.language != language:
            registration.language = language
            registration.updated_at = now
    return registration


def cancel_registration(*, registration_id: int, now: datetime, notify: bool = True) -> Registration:
    """Cancel a seat or waitlist place; a freed seat goes to the first person waiting, in the same transaction."""
    with unit_of_work():
        registration, lab = lock_registration(registration_id)
        if registration.is_cancelled:
            return registration
        if now >= lab.ends_at:
            raise SessionAlreadyStarted(_l("This session is over, so it can no longer be cancelled."))
        freed_seat = registration.is_confirmed
        registration.status = RegistrationStatus.CANCELLED
        registration.cancelled_at = now
        registration.updated_at = now
        if notify:
            queue_registration_email(registration, kind=EmailKind.CANCELLED, now=now)
        db.session.flush()
        if freed_seat and now < lab.starts_at:
            if is_inside_cutoff(lab, now):
                offer_freed_seat(lab, now=now)
            else:
                fill_free_seats(lab, now=now)
    return registration


def resend_manage_link(*, lab_session_id: int, email: str, now: datetime) -> None:
    """Ask the worker to email this address its manage link: the same work whether or not it is registered."""
    queue_mail_request(kind=MailRequestKind.MANAGE_LINK, email=email, lab_session_id=lab_session_id, now=now)


def send_manage_link(*, email: str, lab_session_id: int | None, now: datetime, **_: object) -> bool:
    """(Worker) Email the person their manage link if they are registered for the session; False otherwise."""
    if lab_session_id is None:
        return False
    try:
        email_key = normalise_email(email)[1]
    except InvalidEmail:
        return False
    with unit_of_work():
        registration = active_registration_for(lab_session_id, email_key)
        if registration is None:
            return False
        queue_registration_email(registration, kind=EmailKind.MANAGE_LINK, now=now)
    return True
