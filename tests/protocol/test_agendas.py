"""Session agendas: a timeline in the session's own clock, and never longer than the session."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from labapp.accounts.models import UserRole
from labapp.db import db
from labapp.protocol.agendas import AgendaItemInput, default_items, session_agenda, set_session_agenda
from labapp.protocol.errors import InvalidAgenda
from labapp.protocol.models import SessionAgendaItem
from labapp.protocol.services import list_components
from tests.factories import make_lab_session, make_user
from tests.helpers import count_queries

BEFORE = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def _lab(local: datetime, duration: int = 90, **overrides):
    return make_lab_session(starts_at=local, timezone=str(local.tzinfo), duration_minutes=duration, now=BEFORE,
                            **overrides)


def _timeline(client, lab) -> list[str]:
    import re

    page = client.get(f"/sessions/{lab.slug}").get_data(as_text=True)
    return [" ".join(re.sub(r"<[^>]+>", " ", item).split())
            for item in re.findall(r"<li>(.*?)</li>", page.split('class="agenda-timeline"')[1].split("</ol>")[0], re.S)]


@pytest.mark.parametrize(("zone", "local_start", "first_line", "last_line"), [
    ("America/New_York", datetime(2026, 12, 8, 16, 0), "4:00–4:10 PM Norms for listening with empathy",
     "5:17–5:30 PM Commitments and next steps"),
    ("Europe/London", datetime(2026, 12, 8, 16, 0), "4:00–4:10 PM Norms for listening with empathy",
     "5:17–5:30 PM Commitments and next steps"),
    ("Asia/Kolkata", datetime(2026, 12, 9, 2, 30), "2:30–2:40 AM Norms for listening with empathy",
     "3:47–4:00 AM Commitments and next steps"),
    ("America/Los_Angeles", datetime(2026, 7, 15, 11, 50), "11:50 AM–12:00 PM Norms for listening with empathy",
     "1:07–1:20 PM Commitments and next steps"),
])
def test_agenda_shows_clock_times_in_the_sessions_own_zone(client, zone, local_start, first_line, last_line):
    lab = _lab(local_start.replace(tzinfo=ZoneInfo(zone)))
    lines = _timeline(client, lab)
    assert lines[0] == first_line
    assert lines[-1] == last_line
    assert len(lines) == 7


def test_the_same_instant_reads_differently_in_each_zone(client):
    instant = datetime(2026, 12, 8, 21, 0, tzinfo=UTC)
    new_york = _lab(instant.astimezone(ZoneInfo("America/New_York")))
    kolkata = _lab(instant.astimezone(ZoneInfo("Asia/Kolkata")))
    assert _timeline(client, new_york)[0].startswith("4:00–4:10 PM")
    assert _timeline(client, kolkata)[0].startswith("2:30–2:40 AM")
    assert "(EST)" in client.get(f"/sessions/{new_york.slug}").get_data(as_text=True)
    assert "(IST)" in client.get(f"/sessions/{kolkata.slug}").get_data(as_text=True)


def test_agenda_across_a_daylight_saving_change_uses_local_clock_times(app):
    # 1:30 AM EDT on the night clocks go back: 30 minutes later it is 1:00 AM EST again.
    lab = _lab(datetime(2026, 11, 1, 5, 30, tzinfo=UTC).astimezone(ZoneInfo("America/New_York")), duration=60)
    norms, looking_back = list_components()[:2]
    agenda = set_session_agenda(lab_session_id=lab.id, now=BEFORE, items=[
        AgendaItemInput(norms.id, 30), AgendaItemInput(looking_back.id, 30)])
    assert [slot.time_range for slot in agenda.slots] == ["1:30–1:00 AM", "1:00–1:30 AM"]


def test_a_shorter_session_gets_the_whole_protocol_scaled_to_fit(app):
    lab = _lab(datetime(2026, 12, 8, 16, 0, tzinfo=ZoneInfo("America/Chicago")), duration=60)
    agenda = session_agenda(lab)
    assert agenda.is_default
    assert agenda.total_minutes == 60
    assert all(slot.minutes % 5 == 0 and slot.minutes >= 5 for slot in agenda.slots)
    assert len(agenda.slots) == 7


def test_default_agenda_never_overruns_even_a_tiny_session(app):
    for duration in (1, 3, 7, 8, 29, 31, 59, 89, 90, 91):
        items = default_items(list_components(), duration)
        assert sum(minutes for _, minutes in items) <= duration, duration
        assert all(minutes >= 1 for _, minutes in items)


def test_facilitator_sets_an_agenda_and_the_session_page_shows_it(client, sign_in):
    facilitator = make_user()
    lab = _lab(datetime(2026, 12, 8, 16, 0, tzinfo=ZoneInfo("America/New_York")), facilitators=[facilitator])
    norms, _, identifying, prioritizing, *_ = list_components()
    sign_in(facilitator)
    response = client.post(f"/dashboard/sessions/{lab.id}/agenda", data={
        "rows-0-component_id": str(norms.id), "rows-0-minutes": "15",
        "rows-1-component_id": str(identifying.id), "rows-1-minutes": "45",
        "rows-2-component_id": "", "rows-2-minutes": "",
        "rows-3-component_id": str(prioritizing.id), "rows-3-minutes": "30",
    })
    assert response.status_code == 302
    assert _timeline(client, lab) == [
        "4:00–4:15 PM Norms for listening with empathy",
        "4:15–5:00 PM Identifying underserved student populations",
        "5:00–5:30 PM Prioritizing with clear criteria",
    ]


def test_an_agenda_longer_than_the_session_is_refused(client, sign_in):
    facilitator = make_user()
    lab = _lab(datetime(2026, 12, 8, 16, 0, tzinfo=ZoneInfo("America/New_York")), facilitators=[facilitator])
    norms, looking_back, *_ = list_components()
    sign_in(facilitator)
    response = client.post(f"/dashboard/sessions/{lab.id}/agenda", data={
        "rows-0-component_id": str(norms.id), "rows-0-minutes": "60",
        "rows-1-component_id": str(looking_back.id), "rows-1-minutes": "40",
    })
    assert response.status_code == 400
    assert "adds up to 100 minutes, but the session is 90 minutes long" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(SessionAgendaItem)) == 0
    with pytest.raises(InvalidAgenda):
        set_session_agenda(lab_session_id=lab.id, now=BEFORE,
                           items=[AgendaItemInput(norms.id, 60), AgendaItemInput(looking_back.id, 31)])


def test_a_refused_agenda_leaves_the_saved_one_alone(app):
    lab = _lab(datetime(2026, 12, 8, 16, 0, tzinfo=ZoneInfo("America/New_York")))
    norms, looking_back, *_ = list_components()
    set_session_agenda(lab_session_id=lab.id, now=BEFORE, items=[AgendaItemInput(norms.id, 20)])
    with pytest.raises(InvalidAgenda):
        set_session_agenda(lab_session_id=lab.id, now=BEFORE,
                           items=[AgendaItemInput(looking_back.id, 45), AgendaItemInput(norms.id, 46)])
    with pytest.raises(InvalidAgenda):
        set_session_agenda(lab_session_id=lab.id, now=BEFORE, items=[AgendaItemInput(99999, 10)])
    db.session.expire_all()
    assert [(s.component.id, s.minutes) for s in session_agenda(lab).slots] == [(norms.id, 20)]


def test_agenda_editor_refuses_bad_lines_with_a_message(client, sign_in):
    facilitator = make_user()
    lab = _lab(datetime(2026, 12, 8, 16, 0, tzinfo=ZoneInfo("America/New_York")), facilitators=[facilitator])
    sign_in(facilitator)
    norms = list_components()[0]
    for data, message in [
        ({"rows-0-component_id": str(norms.id), "rows-0-minutes": ""}, "please give the minutes"),
        ({"rows-0-component_id": str(norms.id), "rows-0-minutes": "ten"}, "Not a valid integer"),
        ({"rows-0-component_id": "abc", "rows-0-minutes": "10"}, "please give the minutes"),
        ({"rows-0-component_id": "", "rows-0-minutes": ""}, "choose at least one part"),
    ]:
        response = client.post(f"/dashboard/sessions/{lab.id}/agenda", data=data)
        assert response.status_code == 400, data
        assert message in response.get_data(as_text=True), data


def test_only_the_sessions_facilitators_and_admins_edit_its_agenda(client, sign_in):
    facilitator, other, admin = make_user(), make_user(), make_user(role=UserRole.ADMIN)
    lab = _lab(datetime(2026, 12, 8, 16, 0, tzinfo=ZoneInfo("America/New_York")), facilitators=[facilitator])
    sign_in(other)
    assert client.get(f"/dashboard/sessions/{lab.id}/agenda").status_code == 403
    assert client.post(f"/dashboard/sessions/{lab.id}/agenda/reset").status_code == 403
    sign_in(admin)
    page = client.get(f"/dashboard/sessions/{lab.id}/agenda")
    assert page.status_code == 200
    assert "The default agenda" in page.get_data(as_text=True)
    sign_in(facilitator)
    assert client.get(f"/dashboard/sessions/{lab.id}/agenda").status_code == 200
    assert client.get("/dashboard/sessions/99999/agenda").status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client, app):
    if "accounts.login" not in app.view_functions:
        pytest.skip("the sign-in page arrives with the accounts branch")
    lab = make_lab_session()
    response = client.get(f"/dashboard/sessions/{lab.id}/agenda")
    assert response.status_code == 302 and "login" in response.headers["Location"]


def test_resetting_brings_back_the_default_agenda(client, sign_in):
    facilitator = make_user()
    lab = _lab(datetime(2026, 12, 8, 16, 0, tzinfo=ZoneInfo("America/New_York")), facilitators=[facilitator])
    set_session_agenda(lab_session_id=lab.id, now=BEFORE, items=[AgendaItemInput(list_components()[0].id, 30)])
    sign_in(facilitator)
    assert client.post(f"/dashboard/sessions/{lab.id}/agenda/reset").status_code == 302
    assert session_agenda(lab).is_default


def test_session_page_runs_the_same_number_of_queries_for_any_agenda_length(client):
    components = list_components()
    short = _lab(datetime(2026, 12, 8, 16, 0, tzinfo=ZoneInfo("America/New_York")))
    long = _lab(datetime(2026, 12, 9, 16, 0, tzinfo=ZoneInfo("America/New_York")))
    set_session_agenda(lab_session_id=short.id, now=BEFORE, items=[AgendaItemInput(components[0].id, 10)])
    set_session_agenda(lab_session_id=long.id, now=BEFORE,
                       items=[AgendaItemInput(c.id, 10) for c in components] + [AgendaItemInput(components[0].id, 5)])
    counts = []
    for lab in (short, long):
        db.session.expire_all()
        with count_queries() as counter:
            assert client.get(f"/sessions/{lab.slug}").status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1]


def test_a_retired_component_cannot_be_added_to_a_new_agenda(app, restore_protocol):
    from labapp.protocol.services import set_component_retired

    lab = _lab(datetime(2026, 12, 8, 16, 0, tzinfo=ZoneInfo("America/New_York")))
    retired = list_components()[1]
    set_component_retired(component_id=retired.id, is_retired=True, now=BEFORE + timedelta(minutes=1))
    with pytest.raises(InvalidAgenda):
        set_session_agenda(lab_session_id=lab.id, now=BEFORE, items=[AgendaItemInput(retired.id, 10)])
    assert retired.slug not in [slot.component.slug for slot in session_agenda(lab).slots]
