"""Reading and editing the protocol's components; the reflection prompts reminders and pre-work use."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select

from labapp.core.text import slugify
from labapp.db import db, unit_of_work
from labapp.protocol import seed_content
from labapp.protocol.errors import ComponentNotFound, InvalidComponent
from labapp.protocol.languages import (
    MAX_NOTES_LENGTH,
    ComponentText,
    clean_lines,
    localise,
    protocol_heading,
    reading_language,
)
from labapp.protocol.models import Prompt, ProtocolComponent

MAX_COMPONENT_MINUTES = 240


@dataclass(frozen=True)
class ComponentFields:
    """What an admin types into the component editor."""

    title: str
    purpose: str
    minutes: int
    guiding_questions: list[str] = field(default_factory=list)
    facilitator_notes: str = ""
    reflection_prompts: list[str] = field(default_factory=list)
    is_commitments: bool = False


def list_components(*, include_retired: bool = False) -> list[ProtocolComponent]:
    """The protocol's components in order (active ones only unless asked)."""
    query = select(ProtocolComponent).order_by(ProtocolComponent.position, ProtocolComponent.id)
    if not include_retired:
        query = query.where(ProtocolComponent.is_retired.is_(False))
    return list(db.session.scalars(query))


def get_component(component_id: int) -> ProtocolComponent:
    """One component (retired too), or ComponentNotFound."""
    component = db.session.get(ProtocolComponent, component_id)
    if component is None:
        raise ComponentNotFound(component_id)
    return component


def pick_prompts(prompt_lists: Iterable[Sequence[Prompt]], limit: int) -> list[Prompt]:
    """Round-robin over components: every component's first prompt, then their second ones, ...

    Spreading the picks keeps pre-work from asking three questions about one step.
    """
    lists = [list(prompts) for prompts in prompt_lists]
    picked: list[Prompt] = []
    depth = 0
    while len(picked) < limit and any(depth < len(prompts) for prompts in lists):
        picked.extend(prompts[depth] for prompts in lists if depth < len(prompts))
        depth += 1
    return picked[:limit]


def protocol_components(language: str | None = None) -> list[ComponentText]:
    """The active components in order, as readers see them in their language (see languages.py)."""
    return localise(list_components(), language)


def commitments_component(language: str | None = None) -> ComponentText | None:
    """The active commitments-and-next-steps component (title, guiding_questions), for follow-ups.

    In the language being rendered unless given one (a follow-up email under force_locale gets its own).
    """
    component = next((c for c in list_components() if c.is_commitments), None)
    return localise([component], language)[0] if component is not None else None


def _clean(fields: ComponentFields) -> ComponentFields:
    title = " ".join(fields.title.split())
    purpose = fields.purpose.strip()
    if not title or len(title) > 200:
        raise InvalidComponent(_("A component needs a title of up to 200 characters."))
    if not purpose or len(purpose) > 2000:
        raise InvalidComponent(_("A component needs a purpose of up to 2,000 characters."))
    if not 1 <= fields.minutes <= MAX_COMPONENT_MINUTES:
        raise InvalidComponent(_("Suggested minutes must be between 1 and %(minutes)s.", minutes=MAX_COMPONENT_MINUTES))
    if len(fields.facilitator_notes) > MAX_NOTES_LENGTH:
        raise InvalidComponent(_("Facilitator notes must be under 20,000 characters."))
    return ComponentFields(
        title=title,
        purpose=purpose,
        minutes=fields.minutes,
        guiding_questions=clean_lines(fields.guiding_questions, _("guiding questions")),
        facilitator_notes=fields.facilitator_notes.strip().replace("\r\n", "\n"),
        reflection_prompts=clean_lines(fields.reflection_prompts, _("reflection prompts")),
        is_commitments=fields.is_commitments,
    )


def assign_prompt_ids(slug: str, old: Sequence[Prompt], texts: Sequence[str]) -> list[Prompt]:
    """Give edited prompts ids, keeping the old id when a prompt was only moved or reworded.

    An unchanged text keeps its id wherever it moved; a reworded line keeps the id of the
    prompt that stood in its place; anything else is a new question with a new id, so
    earlier pre-work answers never attach to a question they were not written for.
    """
    by_text = {prompt["text"]: prompt["id"] for prompt in old}
    used = {by_text[text] for text in texts if text in by_text}
    numbers = [int(p["id"].rsplit("-", 1)[1]) for p in old if p["id"].rsplit("-", 1)[-1].isdigit()]
    next_number = max(numbers, default=0) + 1
    result: list[Prompt] = []
    for index, text in enumerate(texts):
        prompt_id = by_text.get(text)
        if prompt_id is None and index < len(old) and old[index]["id"] not in used:
            prompt_id = old[index]["id"]
        if prompt_id is None or prompt_id in {p["id"] for p in result}:
            prompt_id, next_number = seed_content.prompt_id(slug, next_number), next_number + 1
        used.add(prompt_id)
        result.append({"id": prompt_id, "text": text})
    return result


def _unique_component_slug(title: str) -> str:
    base = slugify(title)[:70]
    taken = set(db.session.scalars(select(ProtocolComponent.slug).where(ProtocolComponent.slug.like(f"{base}%"))))
    slug, counter = base, 2
    while slug in taken:
        slug, counter = f"{base}-{counter}", counter + 1
    return slug


def add_component(*, fields: ComponentFields, now: datetime) -> ProtocolComponent:
    """Add a component at the end of the protocol."""
    fields = _clean(fields)
    with unit_of_work():
        slug = _unique_component_slug(fields.title)
        last = db.session.scalar(select(func.max(ProtocolComponent.position))) or 0
        component = ProtocolComponent(
            slug=slug,
            position=last + 1,
            title=fields.title,
            purpose=fields.purpose,
            minutes=fields.minutes,
            guiding_questions=fields.guiding_questions,
            facilitator_notes=fields.facilitator_notes,
            reflection_prompts=assign_prompt_ids(slug, [], fields.reflection_prompts),
            is_commitments=fields.is_commitments,
            is_retired=False,
            updated_at=now,
        )
        db.session.add(component)
    return component


def edit_component(*, component_id: int, fields: ComponentFields, now: datetime) -> ProtocolComponent:
    """Change a component's text and suggested minutes; its slug (and anchors) stay."""
    fields = _clean(fields)
    with unit_of_work():
        component = get_component(component_id)
        component.title = fields.title
        component.purpose = fields.purpose
        component.minutes = fields.minutes
        component.guiding_questions = fields.guiding_questions
        component.facilitator_notes = fields.facilitator_notes
        component.reflection_prompts = assign_prompt_ids(
            component.slug, component.reflection_prompts or [], fields.reflection_prompts
        )
        component.is_commitments = fields.is_commitments
        component.updated_at = now
    return component


def move_component(*, component_id: int, offset: int, now: datetime) -> None:
    """Move a component up (offset -1) or down (+1) among all components; the ends stay put."""
    with unit_of_work():
        components = list_components(include_retired=True)
        index = next((i for i, c in enumerate(components) if c.id == component_id), None)
        if index is None:
            raise ComponentNotFound(component_id)
        target = index + offset
        if 0 <= target < len(components):
            components[index], components[target] = components[target], components[index]
        for position, component in enumerate(components, start=1):
            if component.position != position:
                component.position = position
                component.updated_at = now


def set_component_retired(*, component_id: int, is_retired: bool, now: datetime) -> ProtocolComponent:
    """Retire a component (hidden from the protocol, new agendas and prompts) or bring it back.

    Retiring keeps the row, so past agendas and pre-work answers still make sense.
    """
    with unit_of_work():
        component = get_component(component_id)
        component.is_retired = is_retired
        component.updated_at = now
    return component


def protocol_markdown(language: str | None = None) -> str:
    """The whole protocol as one Markdown document, for the download, in the reader's language."""
    language = reading_language(language)
    with force_locale(language):
        components = protocol_components(language)
        title, intro = protocol_heading(language)
        parts = [f"# {title}", "", intro.strip(), ""]
        total = sum(component.minutes for component in components)
        parts += [_("About %(minutes)d minutes in %(count)d parts.", minutes=total, count=len(components)), ""]
        for number, component in enumerate(components, start=1):
            parts += [f"## {number}. {component.title}", "",
                      "*" + _("About %(minutes)d minutes.", minutes=component.minutes) + "*", ""]
            parts += [component.purpose, ""]
            if component.guiding_questions:
                parts += ["### " + _("Guiding questions"), ""] + [f"- {q}" for q in component.guiding_questions] + [""]
            if component.facilitator_notes:
                parts += ["### " + _("Facilitator notes"), "", component.facilitator_notes.strip(), ""]
            if component.reflection_prompts:
                parts += ["### " + _("To reflect on"), ""] + [f"- {text}" for text in component.prompt_texts] + [""]
    return "\n".join(parts)
