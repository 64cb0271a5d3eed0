"""Pre-work: registrants answer a few reflection prompts before the session; facilitators see them grouped."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from labapp.db import db
from labapp.protocol.agendas import AgendaItemInput, set_session_agenda
from labapp.protocol.services import list_components
from labapp.registrations.errors import PreworkClosed
from labapp.registrations.links import manage_token
from labapp.registrations.models import Registration
from labapp.registrations.prework import prework_answers_by_question, prework_prompts, save_prework_answers
from labapp.registrations.services import cancel_registration
from tests.factories import make_lab_session, make_registration

BEFORE = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
STARTS = datetime(2026, 12, 8, 21, 0, tzinfo=UTC)


@pytest.fixture
def lab(app):
    app.config["CLOCK"] = lambda: BEFORE
    return make_lab_session(starts_at=STARTS, now=BEFORE)


def _answers(registration_id: int) -> dict:
    db.session.expire_all()
    return db.session.get(Registration, registration_id).prework_answers


def test_manage_page_asks_two_or_three_prompts_from_the_protocol(client, lab):
    registration = make_registration(lab, now=BEFORE)
    page = client.get(f"/manage/{manage_token(registration)}").get_data(as_text=True)
    prompts = prework_prompts(lab.id)
    assert 2 <= len(prompts) <= 3
    assert "Before you come: reflect" in page
    for prompt in prompts:
        assert f'name="answer-{prompt["id"]}"' in page
    # one prompt from each of the first components, not three from one
    assert len({prompt["id"].rsplit("-", 1)[0] for prompt in prompts}) == len(prompts)


def test_registrant_saves_and_later_changes_their_answers(client, lab):
    registration = make_registration(lab, now=BEFORE)
    token = manage_token(registration)
    first, second, _ = prework_prompts(lab.id)
    response = client.post(f"/manage/{token}/prework", data={
        f"answer-{first['id']}": "  A colleague who just listened.  ", f"answer-{second['id']}": "",
    }, follow_redirects=True)
    assert "Your reflections are saved" in response.get_data(as_text=True)
    assert "A colleague who just listened." in response.get_data(as_text=True)
    assert _answers(registration.id) == {first["id"]: "A colleague who just listened."}

    client.post(f"/manage/{token}/prework", data={
        f"answer-{first['id']}": "", f"answer-{second['id']}": "Morning check-ins.",
    })
    assert _answers(registration.id) == {second["id"]: "Morning check-ins."}


def test_answers_can_no_longer_change_once_the_session_starts(client, app, lab):
    registration = make_registration(lab, now=BEFORE)
    token = manage_token(registration)
    prompt = prework_prompts(lab.id)[0]
    save_prework_answers(registration_id=registration.id, answers={prompt["id"]: "Before"}, now=BEFORE)
    app.config["CLOCK"] = lambda: STARTS
    response = client.post(f"/manage/{token}/prework", data={f"answer-{prompt['id']}": "After"})
    assert response.status_code == 400
    assert "can no longer change" in response.get_data(as_text=True)
    assert "After" not in response.get_data(as_text=True)
    assert _answers(registration.id) == {prompt["id"]: "Before"}
    page = client.get(f"/manage/{token}").get_data(as_text=True)
    assert "Before" in page and f'name="answer-{prompt["id"]}"' not in page


def test_cancelled_registrations_cannot_answer(app, lab):
    registration = make_registration(lab, now=BEFORE)
    cancel_registration(registration_id=registration.id, now=BEFORE)
    with pytest.raises(PreworkClosed):
        save_prework_answers(registration_id=registration.id, answers={"x": "y"}, now=BEFORE)


def test_an_overlong_answer_is_refused_with_a_message(client, lab):
    registration = make_registration(lab, now=BEFORE)
    prompt = prework_prompts(lab.id)[0]
    response = client.post(f"/manage/{manage_token(registration)}/prework",
                           data={f"answer-{prompt['id']}": "x" * 2001})
    assert response.status_code == 400
    assert "under 2,000 characters" in response.get_data(as_text=True)
    assert _answers(registration.id) == {}


def test_answers_to_questions_not_asked_are_ignored(app, lab):
    registration = make_registration(lab, now=BEFORE)
    save_prework_answers(registration_id=registration.id, answers={"made-up-1": "sneaky"}, now=BEFORE)
    assert _answers(registration.id) == {}


def test_unknown_link_cannot_post_prework(client):
    assert client.post("/manage/nope/prework", data={}).status_code == 404


def test_facilitators_see_answers_grouped_by_question(app, lab):
    ana = make_registration(lab, now=BEFORE, full_name="Ana Diaz")
    ben = make_registration(lab, now=BEFORE, full_name="Ben Okoro")
    gone = make_registration(lab, now=BEFORE, full_name="Cara Left")
    first, second, third = prework_prompts(lab.id)
    save_prework_answers(registration_id=ana.id, now=BEFORE, answers={first["id"]: "Ana 1", third["id"]: "Ana 3"})
    save_prework_answers(registration_id=ben.id, now=BEFORE, answers={first["id"]: "Ben 1"})
    save_prework_answers(registration_id=gone.id, now=BEFORE, answers={first["id"]: "Cara 1"})
    cancel_registration(registration_id=gone.id, now=BEFORE)
    groups = prework_answers_by_question(lab.id)
    assert [(g.question, g.answers) for g in groups] == [
        (first["text"], [("Ana Diaz", "Ana 1"), ("Ben Okoro", "Ben 1")]),
        (second["text"], []),
        (third["text"], [("Ana Diaz", "Ana 3")]),
    ]


def test_prework_prompts_follow_the_sessions_agenda(app, lab):
    components = list_components()
    prioritising, practices = components[3], components[5]
    set_session_agenda(lab_session_id=lab.id, now=BEFORE,
                       items=[AgendaItemInput(prioritising.id, 30), AgendaItemInput(practices.id, 30)])
    # prioritising has one prompt and practices one: the session asks just those two
    assert [p["text"] for p in prework_prompts(lab.id)] == prioritising.prompt_texts + practices.prompt_texts


def test_answers_to_a_question_later_reworded_away_still_reach_the_facilitator(app, lab, restore_protocol):
    from labapp.protocol.services import ComponentFields, edit_component

    registration = make_registration(lab, now=BEFORE)
    first = prework_prompts(lab.id)[0]
    save_prework_answers(registration_id=registration.id, now=BEFORE, answers={first["id"]: "My answer"})
    norms = list_components()[0]
    edit_component(component_id=norms.id, now=BEFORE + timedelta(minutes=1), fields=ComponentFields(
        title=norms.title, purpose=norms.purpose, minutes=norms.minutes,
        reflection_prompts=["A brand new first question?", *norms.prompt_texts],
    ))
    groups = {g.question: g.answers for g in prework_answers_by_question(lab.id)}
    assert groups[first["text"]] == [(registration.full_name, "My answer")]
    assert groups["A brand new first question?"] == []
