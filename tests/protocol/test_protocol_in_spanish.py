"""The protocol in Spanish: shipped by migration 0015, editable per language, English where a text is missing."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from flask_babel import force_locale
from sqlalchemy import delete, select

from labapp.db import db
from labapp.protocol.agendas import reminder_prompts, session_agenda, session_prompts
from labapp.protocol.languages import TranslationFields, edit_translation
from labapp.protocol.models import ProtocolComponent, ProtocolComponentTranslation
from labapp.protocol.seed_content import COMPONENTS
from labapp.protocol.seed_content_es import TRANSLATIONS
from labapp.protocol.services import commitments_component, list_components, protocol_components
from labapp.registrations.prework import prework_answers_by_question, save_prework_answers
from tests.factories import make_admin, make_lab_session, make_registration, now_utc

BEFORE = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
STARTS = datetime(2026, 12, 8, 21, 0, tzinfo=UTC)


def _component(slug: str) -> ProtocolComponent:
    return db.session.scalars(select(ProtocolComponent).where(ProtocolComponent.slug == slug)).one()


def _esc(text: str) -> str:
    return text.replace("'", "&#39;").replace('"', "&#34;")


def test_spanish_protocol_page_shows_every_component_in_spanish(client):
    page = client.get("/protocol?lang=es").get_data(as_text=True)
    assert '<html lang="es"' in page
    assert "Liderar con empatía" in page
    for component in COMPONENTS:
        spanish = TRANSLATIONS[component["slug"]]
        assert spanish["title"] in page
        assert _esc(spanish["guiding_questions"][0]) in page
        assert _esc(spanish["reflection_prompts"][0]) in page
        assert component["title"] not in page
    assert "<strong>Primero, entender.</strong>" in page  # Spanish facilitator notes, from Markdown
    assert "Preguntas guía" in page and "Guiding questions" not in page
    assert ' lang="en"' not in page.split("<main", 1)[1]  # everything is translated: nothing marked English


def test_english_protocol_page_is_unchanged(client):
    page = client.get("/protocol?lang=en").get_data(as_text=True)
    assert '<html lang="en"' in page
    for component in COMPONENTS:
        assert component["title"] in page
        assert TRANSLATIONS[component["slug"]]["title"] not in page
    assert "Guiding questions" in page and "about 90 minutes" in page
    assert ' lang="en"' not in page.split("<main", 1)[1]


def test_spanish_markdown_download_is_in_spanish(client):
    response = client.get("/protocol.md?lang=es")
    text = response.get_data(as_text=True)
    assert response.headers["Content-Language"] == "es"
    assert text.startswith("# Liderar con empatía")
    assert "## 1. Normas para escuchar con empatía" in text
    assert "*Unos 10 minutos.*" in text and "### Preguntas guía" in text and "### Para reflexionar" in text
    assert "Norms for listening" not in text


def test_english_markdown_download_is_unchanged(client):
    text = client.get("/protocol.md").get_data(as_text=True)
    assert text.startswith("# Leading with Empathy")
    assert "## 1. Norms for listening with empathy" in text and "*About 10 minutes.*" in text
    assert "About 90 minutes in 7 parts." in text


@pytest.mark.usefixtures("restore_protocol")
def test_a_component_without_spanish_shows_english_marked_lang_en(client):
    looking_back = _component("looking-back")
    db.session.execute(delete(ProtocolComponentTranslation).where(
        ProtocolComponentTranslation.component_id == looking_back.id))
    db.session.commit()
    page = client.get("/protocol?lang=es").get_data(as_text=True)
    heading = re.search(r'<h2 id="looking-back-title">.*?</h2>', page, re.S).group(0)
    assert '<span lang="en">Looking back at the past year</span>' in heading
    assert re.search(r'<p class="component-purpose" lang="en">Surface concrete examples', page)
    assert '<ul class="guiding-questions" lang="en">' in page
    assert TRANSLATIONS["norms-for-listening"]["title"] in page  # the others stay Spanish
    assert 'href="#looking-back" lang="en">Looking back at the past year</a>' in page


@pytest.mark.usefixtures("restore_protocol")
def test_a_prompt_left_untranslated_falls_back_alone(app):
    norms = _component("norms-for-listening")
    edit_translation(component_id=norms.id, language="es", now=now_utc(), fields=TranslationFields(
        title="Normas", reflection_prompts=["Piensa en alguien que te escuchó."]))
    with force_locale("es"):
        component = next(c for c in protocol_components() if c.slug == "norms-for-listening")
    assert component.title == "Normas"
    assert component.purpose == COMPONENTS[0]["purpose"] and "purpose" in component.in_english
    first, second = component.reflection_prompts
    assert first == {"id": "norms-for-listening-1", "text": "Piensa en alguien que te escuchó."}
    assert second["id"] == "norms-for-listening-2" and second["text"] == COMPONENTS[0]["reflection_prompts"][1]
    assert str(component.lang_attr("norms-for-listening-2")) == ' lang="en"'
    assert str(component.lang_attr("norms-for-listening-1")) == ""


@pytest.mark.usefixtures("restore_protocol")
def test_admin_edits_the_spanish_text_and_the_page_shows_it(client, sign_in):
    admin = make_admin()
    sign_in(admin)
    norms = _component("norms-for-listening")
    form = client.get(f"/dashboard/protocol/{norms.id}/translate/es").get_data(as_text=True)
    assert TRANSLATIONS["norms-for-listening"]["title"] in form  # the stored Spanish, ready to edit
    assert 'lang="es"' in form
    response = client.post(f"/dashboard/protocol/{norms.id}/translate/es", data={
        "title": "Acuerdos para escucharnos con empatía",
        "purpose": "Ponernos de acuerdo en cómo nos escuchamos.",
        "guiding_questions": "¿Qué te ayuda a sentirte escuchado?",
        "facilitator_notes": "Empieza con **calma**.",
        "reflection_prompts": "¿Quién te escuchó de verdad?\n¿Cuál es tu primer impulso?",
    })
    assert response.status_code == 302
    spanish = client.get("/protocol?lang=es").get_data(as_text=True)
    assert "Acuerdos para escucharnos con empatía" in spanish and "<strong>calma</strong>" in spanish
    assert "¿Quién te escuchó de verdad?" in spanish
    english = client.get("/protocol?lang=en").get_data(as_text=True)
    assert "Norms for listening with empathy" in english and "Acuerdos para escucharnos" not in english
    row = db.session.scalars(select(ProtocolComponentTranslation).where(
        ProtocolComponentTranslation.component_id == norms.id)).one()
    assert [p["id"] for p in row.reflection_prompts] == ["norms-for-listening-1", "norms-for-listening-2"]


@pytest.mark.usefixtures("restore_protocol")
def test_admin_cannot_give_more_spanish_prompts_than_english_ones(client, sign_in):
    sign_in(make_admin())
    prioritizing = _component("prioritizing")  # one English prompt
    response = client.post(f"/dashboard/protocol/{prioritizing.id}/translate/es", data={
        "title": "Priorizar", "reflection_prompts": "Una\nDos",
    })
    assert response.status_code == 400
    assert "1 reflection prompts in English" in response.get_data(as_text=True)


def test_admin_list_offers_each_language_and_an_unknown_language_is_404(client, sign_in):
    sign_in(make_admin())
    norms = _component("norms-for-listening")
    page = client.get("/dashboard/protocol").get_data(as_text=True)
    assert f'href="/dashboard/protocol/{norms.id}/translate/es"' in page
    assert "Edit in Español" in page
    assert client.get(f"/dashboard/protocol/{norms.id}/translate/fr").status_code == 404
    assert client.get(f"/dashboard/protocol/{norms.id}/translate/en").status_code == 404


def test_prework_and_reminder_prompts_in_spanish_keep_the_same_ids(app):
    app.config["CLOCK"] = lambda: BEFORE
    lab = make_lab_session(starts_at=STARTS, now=BEFORE)
    english = session_prompts(lab.id)
    with force_locale("es"):
        spanish = session_prompts(lab.id)
        spanish_reminders = reminder_prompts(lab_session_id=lab.id)
    assert [p["id"] for p in spanish] == [p["id"] for p in english]
    assert spanish[0]["text"] == TRANSLATIONS["norms-for-listening"]["reflection_prompts"][0]
    assert spanish_reminders == [p["text"] for p in spanish]
    assert reminder_prompts(lab_session_id=lab.id) == [p["text"] for p in english]
    assert reminder_prompts(lab_session_id=lab.id, language="es") == spanish_reminders


def test_answers_in_either_language_group_under_one_question(app):
    app.config["CLOCK"] = lambda: BEFORE
    lab = make_lab_session(starts_at=STARTS, now=BEFORE)
    with force_locale("es"):
        first_id = session_prompts(lab.id)[0]["id"]
    ana = make_registration(lab, now=BEFORE, full_name="Ana Ruiz", email="ana@example.org")
    ben = make_registration(lab, now=BEFORE, full_name="Ben Cole", email="ben@example.org")
    save_prework_answers(registration_id=ana.id, answers={first_id: "Mi maestra de tercero."}, now=BEFORE)
    save_prework_answers(registration_id=ben.id, answers={first_id: "My first coach."}, now=BEFORE)
    groups = prework_answers_by_question(lab.id)
    assert groups[0].prompt_id == first_id
    assert groups[0].answers == [("Ana Ruiz", "Mi maestra de tercero."), ("Ben Cole", "My first coach.")]
    with force_locale("es"):
        assert prework_answers_by_question(lab.id)[0].question == TRANSLATIONS["norms-for-listening"][
            "reflection_prompts"][0]


def test_session_agenda_follows_the_readers_language(client):
    lab = make_lab_session()
    spanish = client.get(f"/sessions/{lab.slug}?lang=es").get_data(as_text=True)
    assert "Normas para escuchar con empatía" in spanish
    english = client.get(f"/sessions/{lab.slug}?lang=en").get_data(as_text=True)
    assert "Norms for listening with empathy" in english and "Normas para escuchar" not in english
    assert [slot.component.title for slot in session_agenda(lab, language="es").slots][0] == \
        "Normas para escuchar con empatía"


def test_follow_up_commitments_come_in_the_rendered_language(app):
    with force_locale("es"):
        spanish = commitments_component()
    english = commitments_component()
    assert spanish is not None and english is not None
    assert spanish.title == "Compromisos y próximos pasos"
    assert english.title == "Commitments and next steps"
    assert spanish.id == english.id


def test_the_migration_ships_spanish_for_every_component(app):
    rows = db.session.scalars(select(ProtocolComponentTranslation).where(
        ProtocolComponentTranslation.language == "es")).all()
    assert len(rows) == len(list_components()) == 7
    for row in rows:
        english = db.session.get(ProtocolComponent, row.component_id)
        assert [p["id"] for p in row.reflection_prompts] == [p["id"] for p in english.reflection_prompts]
        assert len(row.guiding_questions) == len(english.guiding_questions)
