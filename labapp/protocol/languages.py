"""The protocol in the reader's language: each component's text, falling back to English field by field.

English lives on `protocol_components`; other languages in `protocol_component_translations`, one
row per component and language. A field left empty in a translation (or a prompt not translated)
shows the English text, and the page marks it `lang="en"`. Read functions take the language from
`labapp.i18n.current_language()` unless given one, so an email rendered under
`flask_babel.force_locale("es")` gets Spanish without passing anything.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import select

from labapp.db import db, unit_of_work
from labapp.i18n import DEFAULT_LANGUAGE, LANGUAGES, current_language
from labapp.protocol import seed_content, seed_content_es
from labapp.protocol.errors import ComponentNotFound, InvalidComponent
from labapp.protocol.models import Prompt, ProtocolComponent, ProtocolComponentTranslation

MAX_LIST_ITEMS = 12
MAX_LINE_LENGTH = 500
MAX_NOTES_LENGTH = 20_000

# The shipped title and introduction of the protocol page, per language (not edited in the dashboard).
_HEADINGS = {
    DEFAULT_LANGUAGE: (seed_content.PROTOCOL_TITLE, seed_content.PROTOCOL_INTRO),
    seed_content_es.LANGUAGE: (seed_content_es.PROTOCOL_TITLE, seed_content_es.PROTOCOL_INTRO),
}


def reading_language(language: str | None = None) -> str:
    """`language` if the site speaks it, else the language being rendered now."""
    return language if language in LANGUAGES else current_language()


def translated_languages() -> list[str]:
    """The languages an admin can translate the protocol into (every one but English)."""
    return [code for code in LANGUAGES if code != DEFAULT_LANGUAGE]


def protocol_heading(language: str | None = None) -> tuple[str, str]:
    """The protocol's title and Markdown introduction in the reader's language (English if none)."""
    return _HEADINGS.get(reading_language(language), _HEADINGS[DEFAULT_LANGUAGE])


@dataclass(frozen=True)
class ComponentText:
    """A component as a reader sees it: its texts in their language, and which fell back to English."""

    component: ProtocolComponent
    language: str
    title: str
    purpose: str
    guiding_questions: list[str]
    facilitator_notes: str
    reflection_prompts: list[Prompt]
    in_english: frozenset[str] = field(default_factory=frozenset)  # field names, and prompt ids, shown in English

    @property
    def id(self) -> int:
        return self.component.id

    @property
    def slug(self) -> str:
        return self.component.slug

    @property
    def minutes(self) -> int:
        return self.component.minutes

    @property
    def is_commitments(self) -> bool:
        return self.component.is_commitments

    @property
    def is_retired(self) -> bool:
        return self.component.is_retired

    @property
    def prompt_texts(self) -> list[str]:
        return [prompt["text"] for prompt in self.reflection_prompts]

    def lang_attr(self, name: str) -> Markup:
        """` lang="en"` for a field (or prompt id) that fell back to English on a page in another language."""
        return Markup(' lang="en"') if name in self.in_english else Markup("")


def _fallback(component: ProtocolComponent, language: str, row: ProtocolComponentTranslation | None) -> ComponentText:
    english_prompts = list(component.reflection_prompts or [])
    if language == DEFAULT_LANGUAGE:
        return ComponentText(component, language, component.title, component.purpose,
                             list(component.guiding_questions or []), component.facilitator_notes, english_prompts)
    translated = {prompt["id"]: prompt["text"] for prompt in (row.reflection_prompts if row else None) or []}
    in_english = {prompt["id"] for prompt in english_prompts if not translated.get(prompt["id"])}

    def text(name: str, value: str | None, english: str) -> str:
        if value:
            return value
        if english:
            in_english.add(name)
        return english

    questions = list(row.guiding_questions or []) if row else []
    if not questions and component.guiding_questions:
        questions = list(component.guiding_questions)
        in_english.add("guiding_questions")
    title = text("title", row.title if row else None, component.title)
    purpose = text("purpose", row.purpose if row else None, component.purpose)
    notes = text("facilitator_notes", row.facilitator_notes if row else None, component.facilitator_notes)
    prompts: list[Prompt] = [{"id": p["id"], "text": translated.get(p["id"]) or p["text"]} for p in english_prompts]
    return ComponentText(component, language, title, purpose, questions, notes, prompts, frozenset(in_english))


def _translations(component_ids: Iterable[int], language: str) -> dict[int, ProtocolComponentTranslation]:
    ids = set(component_ids)
    if language == DEFAULT_LANGUAGE or not ids:
        return {}
    rows = db.session.scalars(
        select(ProtocolComponentTranslation).where(
            ProtocolComponentTranslation.language == language, ProtocolComponentTranslation.component_id.in_(ids)
        )
    )
    return {row.component_id: row for row in rows}


def localise(components: Sequence[ProtocolComponent], language: str | None = None) -> list[ComponentText]:
    """The components' texts in the reader's language (one query, none for English)."""
    language = reading_language(language)
    rows = _translations((c.id for c in components), language)
    return [_fallback(component, language, rows.get(component.id)) for component in components]


def get_translation(component_id: int, language: str) -> ProtocolComponentTranslation | None:
    """The stored translation of one component, if there is one."""
    return _translations([component_id], language).get(component_id)


def translated_component_ids(language: str) -> set[int]:
    """Components that have a stored translation in `language`, for the admin list."""
    return set(db.session.scalars(
        select(ProtocolComponentTranslation.component_id).where(ProtocolComponentTranslation.language == language)
    ))


@dataclass(frozen=True)
class TranslationFields:
    """What an admin types into the editor for one language; empty fields show the English text."""

    title: str = ""
    purpose: str = ""
    guiding_questions: list[str] = field(default_factory=list)
    facilitator_notes: str = ""
    reflection_prompts: list[str] = field(default_factory=list)  # line n translates the n-th English prompt


def clean_lines(lines: Iterable[str], what: str) -> list[str]:
    """A list field's lines, whitespace tidied and blanks dropped, within the limits (English and other languages)."""
    cleaned = [" ".join(line.split()) for line in lines]
    cleaned = [line for line in cleaned if line]
    if len(cleaned) > MAX_LIST_ITEMS:
        raise InvalidComponent(_("Please keep to %(count)d %(what)s or fewer.", count=MAX_LIST_ITEMS, what=what))
    if any(len(line) > MAX_LINE_LENGTH for line in cleaned):
        raise InvalidComponent(_("Each of the %(what)s must be under %(count)d characters.",
                                 what=what, count=MAX_LINE_LENGTH))
    return cleaned


def edit_translation(*, component_id: int, language: str, fields: TranslationFields,
                     now: datetime) -> ProtocolComponentTranslation | None:
    """Save a component's text in `language`; all fields empty removes it (English shows again).

    Prompts keep the English prompts' ids by position, so answers group across languages.
    """
    if language not in translated_languages():
        raise InvalidComponent(_("The protocol can be translated into Spanish only."))
    title = " ".join(fields.title.split())
    purpose = fields.purpose.strip()
    notes = fields.facilitator_notes.strip().replace("\r\n", "\n")
    if len(title) > 200:
        raise InvalidComponent(_("Please keep the title under 200 characters."))
    if len(purpose) > 2000:
        raise InvalidComponent(_("Please keep the purpose under 2,000 characters."))
    if len(notes) > MAX_NOTES_LENGTH:
        raise InvalidComponent(_("Facilitator notes must be under 20,000 characters."))
    questions = clean_lines(fields.guiding_questions, _("guiding questions"))
    prompt_lines = clean_lines(fields.reflection_prompts, _("reflection prompts"))
    with unit_of_work():
        component = db.session.get(ProtocolComponent, component_id)
        if component is None:
            raise ComponentNotFound(component_id)
        english = list(component.reflection_prompts or [])
        if len(prompt_lines) > len(english):
            raise InvalidComponent(_(
                "This component has %(count)d reflection prompts in English: please give one line for each, "
                "in the same order.", count=len(english)))
        row = get_translation(component_id, language)
        if not any((title, purpose, questions, notes, prompt_lines)):
            if row is not None:
                db.session.delete(row)
            return None
        if row is None:
            row = ProtocolComponentTranslation(component_id=component_id, language=language)
            db.session.add(row)
        row.title, row.purpose, row.guiding_questions, row.facilitator_notes = title, purpose, questions, notes
        row.reflection_prompts = [{"id": prompt["id"], "text": text}
                                  for prompt, text in zip(english, prompt_lines, strict=False)]
        row.updated_at = now
    return row
