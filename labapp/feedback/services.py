"""Feedback rules: who may answer, until when, one response per registration, and what facilitators read."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager

from labapp.core.csv_export import csv_lines
from labapp.db import db, unit_of_work
from labapp.feedback.errors import FeedbackClosed, FeedbackLinkInvalid, InvalidFeedback
from labapp.feedback.links import is_feedback_token
from labapp.feedback.models import FeedbackResponse
from labapp.registrations.models import FOCUS_POPULATIONS, Registration, RegistrationStatus
from labapp.sessions.models import LabSession

# Answers are welcome for two weeks after the end; later they would describe memories, not plans.
FEEDBACK_WINDOW = timedelta(days=14)
COMMITMENT_MAX_CHARS = 1000
SUGGESTION_MAX_CHARS = 2000
SCALE = (1, 2, 3, 4, 5)
CSV_COLUMNS = ["name", "email", "role", "usefulness", "commitment", "for_which_students", "suggestion",
               "submitted_at", "updated_at"]


@dataclass(frozen=True)
class FeedbackInvitation:
    """A person who was asked, their session, and their response so far (if any)."""

    registration: Registration
    response: FeedbackResponse | None
    closes_at: datetime

    @property
    def lab(self) -> LabSession:
        return self.registration.lab_session


def was_asked(registration: Registration) -> bool:
    """Only people who were there are asked: confirmed, checked in, not anonymised."""
    return (registration.status == RegistrationStatus.CONFIRMED and registration.checked_in_at is not None
            and registration.anonymised_at is None)


def closes_at(lab: LabSession) -> datetime:
    """The last instant answers are taken (14 days after the end)."""
    return lab.ends_at + FEEDBACK_WINDOW


def find_invitation(*, registration_id: int, token: str, now: datetime) -> FeedbackInvitation:
    """The invitation behind a link: FeedbackLinkInvalid (404) or FeedbackClosed (410) otherwise."""
    row = db.session.execute(
        select(Registration, FeedbackResponse)
        .outerjoin(FeedbackResponse, FeedbackResponse.registration_id == Registration.id)
        .where(Registration.id == registration_id)
    ).first()
    if row is None:
        raise FeedbackLinkInvalid(registration_id)
    registration, response = row
    if not is_feedback_token(registration.token_salt, token) or not was_asked(registration):
        raise FeedbackLinkInvalid(registration_id)
    lab = registration.lab_session
    # Once retention erased the person's answers, the form stays closed: nothing new to erase later.
    erased = registration.sensitive_erased_at is not None or (response is not None and response.words_erased_at)
    if now >= closes_at(lab) or erased:
        raise FeedbackClosed(lab, closes_at(lab))
    return FeedbackInvitation(registration=registration, response=response, closes_at=closes_at(lab))


def submit_feedback(
    *,
    registration_id: int,
    token: str,
    usefulness: int,
    commitment: str,
    focus_populations: Iterable[str],
    suggestion: str,
    now: datetime,
) -> FeedbackResponse:
    """Save (or change) this person's one response; the link must still be open."""
    commitment, suggestion = commitment.strip(), suggestion.strip()
    focus = [key for key in FOCUS_POPULATIONS if key in set(focus_populations)]
    if usefulness not in SCALE:
        raise InvalidFeedback(_l("Please choose how useful it was, from 1 to 5."))
    if not commitment or len(commitment) > COMMITMENT_MAX_CHARS:
        raise InvalidFeedback(_l("Please say what you will try, in up to 1,000 characters."))
    if len(suggestion) > SUGGESTION_MAX_CHARS:
        raise InvalidFeedback(_l("Please keep your suggestion under 2,000 characters."))
    answers = {"usefulness": usefulness, "commitment": commitment, "suggestion": suggestion,
               "focus_populations": focus, "updated_at": now}
    try:
        return _save(registration_id=registration_id, token=token, answers=answers, now=now)
    except IntegrityError:
        # Two first submits raced and the other one inserted: this one becomes an edit of it.
        return _save(registration_id=registration_id, token=token, answers=answers, now=now)


def _save(*, registration_id: int, token: str, answers: dict[str, Any], now: datetime) -> FeedbackResponse:
    with unit_of_work():
        invitation = find_invitation(registration_id=registration_id, token=token, now=now)
        response = invitation.response
        if response is None:
            response = FeedbackResponse(registration_id=registration_id,
                                        lab_session_id=invitation.registration.lab_session_id, submitted_at=now)
            db.session.add(response)
        for name, value in answers.items():
            setattr(response, name, value)
    return response


# --- What facilitators read ------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionFeedback:
    """Everything the Feedback page shows for one session, loaded in two queries."""

    attended: int
    responses: list[FeedbackResponse]
    distribution: dict[int, int] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return len(self.responses)

    @property
    def average(self) -> float | None:
        return round(sum(r.usefulness for r in self.responses) / self.count, 1) if self.responses else None

    @property
    def response_rate(self) -> float | None:
        return self.count / self.attended if self.attended else None

    @property
    def commitments(self) -> list[FeedbackResponse]:
        return [r for r in self.responses if r.commitment]

    @property
    def suggestions(self) -> list[FeedbackResponse]:
        return [r for r in self.responses if r.suggestion]


def _attended(lab_session_ids: Any) -> Select[int, int]:
    return select(Registration.lab_session_id, func.count()).where(
        Registration.lab_session_id.in_(lab_session_ids), Registration.status == RegistrationStatus.CONFIRMED,
        Registration.checked_in_at.is_not(None)).group_by(Registration.lab_session_id)


def session_feedback(lab_session_id: int) -> SessionFeedback:
    """Responses with names, the 1–5 distribution and how many came: two queries, however many answered."""
    attended = {lab_id: n for lab_id, n in db.session.execute(_attended([lab_session_id]))}.get(lab_session_id, 0)
    responses = list(db.session.scalars(
        select(FeedbackResponse)
        .join(FeedbackResponse.registration)
        .options(contains_eager(FeedbackResponse.registration))
        .where(FeedbackResponse.lab_session_id == lab_session_id)
        .order_by(Registration.full_name, FeedbackResponse.id)
    ).unique())
    distribution = {score: 0 for score in SCALE}
    for response in responses:
        distribution[response.usefulness] += 1
    return SessionFeedback(attended=attended, responses=responses, distribution=distribution)


@dataclass(frozen=True)
class FeedbackSummary:
    """Responses and average usefulness of one session (for lists of sessions)."""

    responses: int
    average: float | None


def feedback_summaries(lab_session_ids: list[int]) -> dict[int, FeedbackSummary]:
    """{session id: FeedbackSummary} in one query (sessions without responses are left out)."""
    if not lab_session_ids:
        return {}
    rows = db.session.execute(
        select(FeedbackResponse.lab_session_id, func.count(), func.avg(FeedbackResponse.usefulness))
        .where(FeedbackResponse.lab_session_id.in_(lab_session_ids))
        .group_by(FeedbackResponse.lab_session_id)
    )
    return {lab_id: FeedbackSummary(responses=n, average=round(float(avg), 1) if avg is not None else None)
            for lab_id, n, avg in rows}


def feedback_csv(summary: SessionFeedback) -> Iterator[str]:
    """The session's responses as formula-safe CSV (core/csv_export.py)."""
    return csv_lines(CSV_COLUMNS, (
        {"name": r.registration.full_name, "email": r.registration.email, "role": r.registration.role_label,
         "usefulness": r.usefulness, "commitment": r.commitment, "for_which_students": "; ".join(r.focus_labels),
         "suggestion": r.suggestion, "submitted_at": r.submitted_at, "updated_at": r.updated_at}
        for r in summary.responses
    ))


# --- A person's own answers: their record, their data, their erasure ---------------------------------


def commitments_by_session(email_key: str) -> dict[int, str]:
    """{session id: what the person planned to try}, for their professional-learning record (one query)."""
    rows = db.session.execute(
        select(FeedbackResponse.lab_session_id, FeedbackResponse.commitment)
        .join(Registration, Registration.id == FeedbackResponse.registration_id)
        .where(Registration.email_key == email_key, Registration.anonymised_at.is_(None),
               FeedbackResponse.commitment != "")
    )
    return {lab_id: commitment for lab_id, commitment in rows}


def export_feedback(registration_ids: list[int]) -> list[dict[str, Any]]:
    """A person's responses as JSON-ready data (for my-data.json)."""
    if not registration_ids:
        return []
    responses = db.session.scalars(
        select(FeedbackResponse).where(FeedbackResponse.registration_id.in_(registration_ids))
        .order_by(FeedbackResponse.id)
    )
    return [
        {"registration_id": r.registration_id, "usefulness": r.usefulness, "commitment": r.commitment,
         "for_which_students": r.focus_labels, "suggestion": r.suggestion,
         "submitted_at": r.submitted_at.isoformat(), "updated_at": r.updated_at.isoformat()}
        for r in responses
    ]


def erase_feedback_words(registration_ids: Any, *, now: datetime) -> None:
    """Blank the commitments and suggestions of these registrations (a list or a subquery), in the caller's
    transaction; the 1–5 score stays for the reports, tied to nobody once the registration is anonymised."""
    db.session.execute(
        update(FeedbackResponse)
        .where(FeedbackResponse.registration_id.in_(registration_ids), FeedbackResponse.words_erased_at.is_(None))
        .values(commitment="", suggestion="", focus_populations=[], words_erased_at=now)
        .execution_options(synchronize_session=False)
    )


def delete_feedback(registration_ids: Any) -> None:
    """Remove these registrations' responses entirely (a person deleting their data), caller's transaction."""
    db.session.execute(
        delete(FeedbackResponse).where(FeedbackResponse.registration_id.in_(registration_ids))
        .execution_options(synchronize_session=False)
    )
