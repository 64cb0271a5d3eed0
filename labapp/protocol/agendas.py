"""Each session's agenda: protocol components with minutes, shown as a timeline in the session's zone."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import delete, select

from labapp import timefmt
from labapp.db import db, unit_of_work
from labapp.protocol import seed_content
from labapp.protocol.errors import InvalidAgenda
from labapp.protocol.languages import ComponentText, localise, reading_language
from labapp.protocol.models import Prompt, ProtocolComponent, SessionAgendaItem
from labapp.protocol.services import list_components, pick_prompts
from labapp.sessions.models import LabSession
from labapp.sessions.services import lock_lab_session

MAX_AGENDA_ITEMS = 20


@dataclass(frozen=True)
class AgendaItemInput:
    """One line a facilitator chose: a component and its minutes."""

    component_id: int
    minutes: int


@dataclass(frozen=True)
class AgendaSlot:
    """One line of the timeline: '4:00–4:10 PM  Norms for listening with empathy' (in the reader's language)."""

    component: ComponentText
    minutes: int
    starts_at: datetime
    ends_at: datetime
    time_range: str


@dataclass(frozen=True)
class Agenda:
    """A session's timeline, and whether the facilitator chose it or it is the protocol's default."""

    slots: list[AgendaSlot]
    is_default: bool
    total_minutes: int
    duration_minutes: int
    zone_name: str

    @property
    def fits(self) -> bool:
        return self.total_minutes <= self.duration_minutes

    @property
    def spare_minutes(self) -> int:
        return self.duration_minutes - self.total_minutes


def default_items(components: list[ProtocolComponent], duration_minutes: int) -> list[tuple[ProtocolComponent, int]]:
    """Every active component with its suggested minutes, scaled down when the session is shorter.

    Scaled minutes are whole multiples of five when the session allows it (people read
    "4:10", not "4:08"), share the time by largest remainders so they add up exactly to the
    session's length, and give every part at least one unit; a session shorter than the
    protocol has parts keeps the first ones.
    """
    components = components[:duration_minutes]
    suggested = sum(c.minutes for c in components)
    if suggested <= duration_minutes:
        return [(c, c.minutes) for c in components]
    unit = 5 if duration_minutes % 5 == 0 and duration_minutes >= 5 * len(components) else 1
    units = duration_minutes // unit
    shares = [c.minutes * units / suggested for c in components]
    counts = [max(1, int(share)) for share in shares]
    while sum(counts) > units:  # the one-unit floor overspent: take from the biggest parts
        counts[counts.index(max(counts))] -= 1
    by_remainder = sorted(range(len(components)), key=lambda i: shares[i] - int(shares[i]), reverse=True)
    for index in by_remainder[: units - sum(counts)]:
        counts[index] += 1
    return [(c, count * unit) for c, count in zip(components, counts, strict=True)]


def _timeline(lab: LabSession, items: list[tuple[ProtocolComponent, int]], *, is_default: bool,
              language: str | None) -> Agenda:
    slots = []
    cursor = lab.starts_at
    texts = localise([component for component, _minutes in items], language)
    for component, (_component, minutes) in zip(texts, items, strict=True):
        ends_at = cursor + timedelta(minutes=minutes)
        label = timefmt.format_time_range(cursor, ends_at, lab.timezone, with_zone=False)
        slots.append(AgendaSlot(component, minutes, cursor, ends_at, label))
        cursor = ends_at
    return Agenda(
        slots=slots,
        is_default=is_default,
        total_minutes=sum(minutes for _, minutes in items),
        duration_minutes=lab.duration_minutes,
        zone_name=lab.local_starts_at.tzname() or lab.timezone,
    )


def _saved_items(lab_session_id: int) -> list[SessionAgendaItem]:
    # The component is joined in the same query: one query however long the agenda is.
    return list(
        db.session.scalars(
            select(SessionAgendaItem)
            .where(SessionAgendaItem.lab_session_id == lab_session_id)
            .order_by(SessionAgendaItem.position)
        ).unique()
    )


def session_agenda(lab: LabSession, *, language: str | None = None) -> Agenda:
    """The session's timeline: the facilitator's agenda, or the default one built from the protocol.

    Component titles are in `language`, by default the one being rendered (see languages.py).
    """
    saved = _saved_items(lab.id)
    if saved:
        return _timeline(lab, [(item.component, item.minutes) for item in saved], is_default=False,
                         language=language)
    return _timeline(lab, default_items(list_components(), lab.duration_minutes), is_default=True,
                     language=language)


def set_session_agenda(*, lab_session_id: int, items: list[AgendaItemInput], now: datetime) -> Agenda:
    """Replace a session's agenda after checking it fits the session; an empty list restores the default."""
    if len(items) > MAX_AGENDA_ITEMS:
        raise InvalidAgenda(_("An agenda can have at most %(count)d parts.", count=MAX_AGENDA_ITEMS))
    with unit_of_work():
        lab = lock_lab_session(lab_session_id)  # two editors saving at once take turns
        current = {item.component_id for item in _saved_items(lab.id)}
        wanted = {item.component_id for item in items}
        components = {
            c.id: c for c in db.session.scalars(select(ProtocolComponent).where(ProtocolComponent.id.in_(wanted)))
        }
        for item in items:
            component = components.get(item.component_id)
            if component is None or (component.is_retired and component.id not in current):
                raise InvalidAgenda(_("Please choose each part from the protocol's current components."))
            if not 1 <= item.minutes <= lab.duration_minutes:
                raise InvalidAgenda(_("Each part needs between 1 and %(minutes)d minutes.",
                                      minutes=lab.duration_minutes))
        total = sum(item.minutes for item in items)
        if total > lab.duration_minutes:
            raise InvalidAgenda(_(
                "The agenda adds up to %(total)d minutes, but the session is %(duration)d minutes long. "
                "Please take off %(extra)d minutes.",
                total=total, duration=lab.duration_minutes, extra=total - lab.duration_minutes,
            ))
        db.session.execute(delete(SessionAgendaItem).where(SessionAgendaItem.lab_session_id == lab.id))
        for position, item in enumerate(items, start=1):
            db.session.add(SessionAgendaItem(
                lab_session_id=lab.id, component_id=item.component_id, position=position, minutes=item.minutes
            ))
        lab.updated_at = now
        db.session.flush()
        agenda = session_agenda(lab)
    return agenda


def session_prompts(lab_session_id: int, *, limit: int = 3, language: str | None = None) -> list[Prompt]:
    """Reflection prompts ({id, text}) from the components on this session's agenda, spread across them.

    The texts are in `language` (by default the one being rendered); the ids are the same in every language.
    """
    language = reading_language(language)
    return _sessions_prompts([lab_session_id], [language], limit)[lab_session_id, language]


def sessions_prompts(lab_session_ids: Collection[int], languages: Collection[str], *, limit: int = 3
                     ) -> dict[tuple[int, str], list[str]]:
    """`reminder_prompts(lab_session_id=…, language=…)` for many sessions and languages at once.

    A reminder pass covers many sessions: this costs the same few queries (their agendas, the
    protocol when one follows the default, one per language for the translations) however many.
    """
    chosen = _sessions_prompts(lab_session_ids, languages, limit)
    return {key: [prompt["text"] for prompt in prompts] for key, prompts in chosen.items()}


def _sessions_prompts(lab_session_ids: Collection[int], languages: Collection[str], limit: int
                      ) -> dict[tuple[int, str], list[Prompt]]:
    """Each session's prompts in each language: its agenda's components, else the protocol's."""
    own: dict[int, list[ProtocolComponent]] = {}
    items = db.session.scalars(
        select(SessionAgendaItem)
        .where(SessionAgendaItem.lab_session_id.in_(set(lab_session_ids)))
        .order_by(SessionAgendaItem.lab_session_id, SessionAgendaItem.position)
    ).unique()
    for item in items:
        components = own.setdefault(item.lab_session_id, [])
        if item.component not in components:
            components.append(item.component)
    default = list_components() if any(lab_id not in own for lab_id in lab_session_ids) else []
    everything = list({c.id: c for c in [*default, *(c for cs in own.values() for c in cs)]}.values())
    prompts = {}
    for language in set(languages):
        texts = {component.id: text for component, text in zip(everything, localise(everything, language), strict=True)}
        for lab_id in set(lab_session_ids):
            components = own.get(lab_id) or default
            prompts[lab_id, language] = pick_prompts((texts[c.id].reflection_prompts for c in components), limit)
    return prompts


def reminder_prompts(limit: int = 3, *, lab_session_id: int | None = None, language: str | None = None) -> list[str]:
    """Two or three reflection prompts from the protocol, for reminders and pre-work.

    With `lab_session_id`, the prompts come from that session's agenda (the same ones its
    pre-work asks). In `language`, by default the one being rendered. The shipped seed text
    (English) is used only while the table is empty.
    """
    if lab_session_id is not None:
        return [prompt["text"] for prompt in session_prompts(lab_session_id, limit=limit, language=language)]
    components = localise(list_components(), language)
    if components:
        return [prompt["text"] for prompt in pick_prompts((c.reflection_prompts for c in components), limit)]
    rows = seed_content.component_rows()
    return [prompt["text"] for prompt in pick_prompts((row["reflection_prompts"] for row in rows), limit)]
