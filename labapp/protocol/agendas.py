"""Each session's agenda: protocol components with minutes, shown as a timeline in the session's zone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select

from labapp import timefmt
from labapp.db import db, unit_of_work
from labapp.protocol import seed_content
from labapp.protocol.errors import InvalidAgenda
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
    """One line of the timeline: '4:00–4:10 PM  Norms for listening with empathy'."""

    component: ProtocolComponent
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


def _timeline(lab: LabSession, items: list[tuple[ProtocolComponent, int]], *, is_default: bool) -> Agenda:
    slots = []
    cursor = lab.starts_at
    for component, minutes in items:
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


def session_agenda(lab: LabSession) -> Agenda:
    """The session's timeline: the facilitator's agenda, or the default one built from the protocol."""
    saved = _saved_items(lab.id)
    if saved:
        return _timeline(lab, [(item.component, item.minutes) for item in saved], is_default=False)
    return _timeline(lab, default_items(list_components(), lab.duration_minutes), is_default=True)


def set_session_agenda(*, lab_session_id: int, items: list[AgendaItemInput], now: datetime) -> Agenda:
    """Replace a session's agenda after checking it fits the session; an empty list restores the default."""
    if len(items) > MAX_AGENDA_ITEMS:
        raise InvalidAgenda(f"An agenda can have at most {MAX_AGENDA_ITEMS} parts.")
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
                raise InvalidAgenda("Please choose each part from the protocol's current components.")
            if not 1 <= item.minutes <= lab.duration_minutes:
                raise InvalidAgenda(f"Each part needs between 1 and {lab.duration_minutes} minutes.")
        total = sum(item.minutes for item in items)
        if total > lab.duration_minutes:
            raise InvalidAgenda(
                f"The agenda adds up to {total} minutes, but the session is {lab.duration_minutes} minutes long. "
                f"Please take off {total - lab.duration_minutes} minutes."
            )
        db.session.execute(delete(SessionAgendaItem).where(SessionAgendaItem.lab_session_id == lab.id))
        for position, item in enumerate(items, start=1):
            db.session.add(SessionAgendaItem(
                lab_session_id=lab.id, component_id=item.component_id, position=position, minutes=item.minutes
            ))
        lab.updated_at = now
        db.session.flush()
        agenda = session_agenda(lab)
    return agenda


def session_prompts(lab_session_id: int, *, limit: int = 3) -> list[Prompt]:
    """Reflection prompts ({id, text}) from the components on this session's agenda, spread across them."""
    saved = _saved_items(lab_session_id)
    components: list[ProtocolComponent] = []
    for item in saved:
        if item.component not in components:
            components.append(item.component)
    if not components:
        components = list_components()
    return pick_prompts((c.reflection_prompts for c in components), limit)


def reminder_prompts(limit: int = 3, *, lab_session_id: int | None = None) -> list[str]:
    """Two or three reflection prompts from the protocol, for reminders and pre-work.

    With `lab_session_id`, the prompts come from that session's agenda (the same ones its
    pre-work asks). The shipped seed text is used only while the table is empty.
    """
    if lab_session_id is not None:
        return [prompt["text"] for prompt in session_prompts(lab_session_id, limit=limit)]
    components = list_components()
    if components:
        return [prompt["text"] for prompt in pick_prompts((c.reflection_prompts for c in components), limit)]
    rows = seed_content.component_rows()
    return [prompt["text"] for prompt in pick_prompts((row["reflection_prompts"] for row in rows), limit)]
