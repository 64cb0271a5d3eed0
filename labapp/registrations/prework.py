"""Pre-work: a registrant's answers to a few reflection prompts before the session, and the facilitators' view."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from labapp.db import db, unit_of_work
from labapp.protocol.agendas import session_prompts
from labapp.protocol.models import Prompt, ProtocolComponent
from labapp.registrations.certificates import certificate_available
from labapp.registrations.errors import InvalidPrework, PreworkClosed, RegistrationNotFound
from labapp.registrations.models import Registration, RegistrationStatus

PREWORK_PROMPTS = 3
MAX_ANSWER_LENGTH = 2000


@dataclass(frozen=True)
class QuestionAnswers:
    """One reflection prompt and everyone's answer to it, for the facilitators' roster."""

    prompt_id: str
    question: str
    answers: list[tuple[str, str]] = field(default_factory=list)  # (full name, answer)


@dataclass(frozen=True)
class ManagePanel:
    """What the manage page's protocol part shows: pre-work and, after the session, the certificate."""

    prompts: list[Prompt]
    answers: dict[str, str]
    can_edit: bool
    has_certificate: bool


def prework_prompts(lab_session_id: int, *, limit: int = PREWORK_PROMPTS) -> list[Prompt]:
    """The two or three prompts ({id, text}) this session's registrants are asked before it starts."""
    return session_prompts(lab_session_id, limit=limit)


def can_edit_prework(registration: Registration, *, now: datetime) -> bool:
    """Answers stay editable until the session starts, while the registration is active."""
    lab = registration.lab_session
    return not registration.is_cancelled and not lab.is_cancelled and now < lab.starts_at


def manage_panel(registration: Registration, *, now: datetime) -> ManagePanel:
    """The pre-work prompts with the person's answers, and whether a certificate is ready."""
    return ManagePanel(
        prompts=prework_prompts(registration.lab_session_id),
        answers=dict(registration.prework_answers or {}),
        can_edit=can_edit_prework(registration, now=now),
        has_certificate=certificate_available(registration, now=now),
    )


def save_prework_answers(*, registration_id: int, answers: dict[str, str], now: datetime) -> Registration:
    """Store answers keyed by prompt id; an empty answer removes it, unknown prompt ids are ignored."""
    with unit_of_work():
        registration = db.session.get(Registration, registration_id, with_for_update=True, populate_existing=True)
        if registration is None:
            raise RegistrationNotFound(_l("That registration no longer exists."))
        if not can_edit_prework(registration, now=now):
            raise PreworkClosed(_l("This session has started (or your registration was cancelled), "
                                   "so your reflections can no longer change."))
        shown = {prompt["id"] for prompt in prework_prompts(registration.lab_session_id)}
        stored = dict(registration.prework_answers or {})
        for prompt_id, answer in answers.items():
            if prompt_id not in shown:
                continue
            text = answer.strip().replace("\r\n", "\n")
            if len(text) > MAX_ANSWER_LENGTH:
                raise InvalidPrework(_l("Please keep each answer under %(limit)s characters.",
                                        limit=f"{MAX_ANSWER_LENGTH:,}"))
            if text:
                stored[prompt_id] = text
            else:
                stored.pop(prompt_id, None)
        registration.prework_answers = stored  # a new dict, so the JSON column is marked changed
        registration.updated_at = now
    return registration


def _all_prompt_texts() -> dict[str, str]:
    texts: dict[str, str] = {}
    for prompts in db.session.scalars(select(ProtocolComponent.reflection_prompts)):
        texts.update({prompt["id"]: prompt["text"] for prompt in prompts or []})
    return texts


def prework_answers_by_question(lab_session_id: int) -> list[QuestionAnswers]:
    """Everyone's pre-work for a session (confirmed and waitlisted), grouped by question.

    The session's current prompts come first, in order (even with no answers yet); answers to
    prompts that have since been edited away follow under their last known wording.
    """
    registrations = db.session.scalars(
        select(Registration)
        .where(Registration.lab_session_id == lab_session_id, Registration.status != RegistrationStatus.CANCELLED)
        .order_by(Registration.full_name, Registration.id)
    )
    groups: dict[str, QuestionAnswers] = {
        prompt["id"]: QuestionAnswers(prompt["id"], prompt["text"]) for prompt in prework_prompts(lab_session_id)
    }
    texts: dict[str, str] | None = None
    for registration in registrations:
        for prompt_id, answer in (registration.prework_answers or {}).items():
            if prompt_id not in groups:
                texts = texts if texts is not None else _all_prompt_texts()
                groups[prompt_id] = QuestionAnswers(prompt_id, texts.get(prompt_id, "An earlier question"))
            groups[prompt_id].answers.append((registration.full_name, str(answer)))
    return list(groups.values())
