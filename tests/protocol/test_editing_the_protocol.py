"""Admins edit the protocol in the dashboard: text, order, new components, retiring."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from labapp.accounts.models import UserRole
from labapp.protocol.agendas import reminder_prompts
from labapp.protocol.seed_content import COMPONENTS
from labapp.protocol.services import assign_prompt_ids, list_components
from tests.factories import make_user

pytestmark = pytest.mark.usefixtures("restore_protocol")


@pytest.fixture
def admin_client(client, sign_in):
    return sign_in(make_user(role=UserRole.ADMIN))


def _form(component, **overrides):
    form = {
        "title": component.title, "purpose": component.purpose, "minutes": str(component.minutes),
        "guiding_questions": "\n".join(component.guiding_questions),
        "facilitator_notes": component.facilitator_notes, "reflection_prompts": "\n".join(component.prompt_texts),
    }
    form.update(overrides)
    return form


def test_admin_edits_a_component_and_the_protocol_page_shows_it(admin_client):
    component = list_components()[2]
    response = admin_client.post(f"/dashboard/protocol/{component.id}/edit", data=_form(
        component, title="Who are we not yet serving?", facilitator_notes="Look at **attendance** first.",
    ))
    assert response.status_code == 302
    page = admin_client.get("/protocol").get_data(as_text=True)
    assert "Who are we not yet serving?" in page
    assert "Look at <strong>attendance</strong> first." in page
    assert list_components()[2].slug == component.slug  # anchors stay


def test_admin_edit_with_bad_minutes_is_refused(admin_client):
    component = list_components()[0]
    response = admin_client.post(f"/dashboard/protocol/{component.id}/edit", data=_form(component, minutes="0"))
    assert response.status_code == 400
    assert "between 1 and 240" in response.get_data(as_text=True)
    assert list_components()[0].minutes == component.minutes


def test_admin_reorders_components(admin_client):
    first, second = list_components()[:2]
    assert admin_client.post(f"/dashboard/protocol/{second.id}/move/up").status_code == 302
    assert [c.slug for c in list_components()[:2]] == [second.slug, first.slug]
    admin_client.post(f"/dashboard/protocol/{second.id}/move/up")  # already first: stays put
    assert list_components()[0].slug == second.slug


def test_admin_adds_a_component_at_the_end(admin_client):
    response = admin_client.post("/dashboard/protocol/new", data={
        "title": "Closing circle", "purpose": "End together.", "minutes": "5",
        "guiding_questions": "How are you leaving?", "reflection_prompts": "One word for today?",
    })
    assert response.status_code == 302
    added = list_components()[-1]
    assert (added.title, added.slug, added.reflection_prompts) == (
        "Closing circle", "closing-circle", [{"id": "closing-circle-1", "text": "One word for today?"}])
    assert 'id="closing-circle"' in admin_client.get("/protocol").get_data(as_text=True)


def test_a_retired_component_leaves_the_protocol_page_and_can_come_back(admin_client):
    component = list_components()[1]
    admin_client.post(f"/dashboard/protocol/{component.id}/retire")
    assert f'id="{component.slug}"' not in admin_client.get("/protocol").get_data(as_text=True)
    assert "(retired)" in admin_client.get("/dashboard/protocol").get_data(as_text=True)
    admin_client.post(f"/dashboard/protocol/{component.id}/restore")
    assert f'id="{component.slug}"' in admin_client.get("/protocol").get_data(as_text=True)


def test_facilitators_who_are_not_admins_cannot_edit_the_protocol(client, sign_in):
    sign_in(make_user())
    component = list_components()[0]
    assert client.get("/dashboard/protocol").status_code == 403
    assert client.post(f"/dashboard/protocol/{component.id}/edit", data=_form(component, title="X")).status_code == 403
    assert client.post(f"/dashboard/protocol/{component.id}/retire").status_code == 403
    assert list_components()[0].title == component.title


def test_unknown_component_is_a_404(admin_client):
    assert admin_client.get("/dashboard/protocol/99999/edit").status_code == 404
    assert admin_client.post("/dashboard/protocol/99999/move/down").status_code == 404


def test_reminder_prompts_come_from_the_database(admin_client):
    assert reminder_prompts(limit=3) == [c["reflection_prompts"][0] for c in COMPONENTS[:3]]
    component = list_components()[0]
    admin_client.post(f"/dashboard/protocol/{component.id}/edit", data=_form(
        component, reflection_prompts="When did you last feel truly heard at work?"))
    assert reminder_prompts(limit=3)[0] == "When did you last feel truly heard at work?"
    admin_client.post(f"/dashboard/protocol/{component.id}/retire")
    assert reminder_prompts(limit=2) == [c["reflection_prompts"][0] for c in COMPONENTS[1:3]]


def test_reminder_prompts_fall_back_to_the_shipped_text_only_when_the_table_is_empty(app):
    from sqlalchemy import delete

    from labapp.db import db
    from labapp.protocol.models import ProtocolComponent

    db.session.execute(delete(ProtocolComponent))
    db.session.commit()
    assert reminder_prompts(limit=3) == [c["reflection_prompts"][0] for c in COMPONENTS[:3]]


def test_prompt_ids_survive_rewording_and_reordering():
    old = [{"id": "x-1", "text": "One?"}, {"id": "x-2", "text": "Two?"}]
    assert assign_prompt_ids("x", old, ["Two?", "One?"]) == [
        {"id": "x-2", "text": "Two?"}, {"id": "x-1", "text": "One?"}]
    assert assign_prompt_ids("x", old, ["One, reworded?", "Two?"]) == [
        {"id": "x-1", "text": "One, reworded?"}, {"id": "x-2", "text": "Two?"}]
    assert assign_prompt_ids("x", old, ["Two?", "Three?", "Four?"]) == [
        {"id": "x-2", "text": "Two?"}, {"id": "x-3", "text": "Three?"}, {"id": "x-4", "text": "Four?"}]


def test_component_changes_are_stamped_with_the_time(app):
    from labapp.protocol.services import set_component_retired

    instant = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    component = set_component_retired(component_id=list_components()[0].id, is_retired=True, now=instant)
    assert component.updated_at == instant
