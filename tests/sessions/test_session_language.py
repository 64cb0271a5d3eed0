"""A session's conversation language: a badge on `/`, a filter, the session page, and the rules."""

from __future__ import annotations

import pytest

from labapp.sessions.errors import InvalidSession
from labapp.sessions.models import SessionLanguage
from labapp.sessions.services import SessionFields
from tests.factories import make_lab_session, make_registration, now_utc
from tests.helpers import count_queries


def _titles(page: str) -> list[str]:
    return [line.split(">", 1)[1].split("<", 1)[0] for line in page.split('<h3><a href="/sessions/')[1:]]


def test_home_shows_each_sessions_language_as_a_badge(client):
    make_lab_session(title="English lab")
    make_lab_session(title="Familias", language=SessionLanguage.ES)
    make_lab_session(title="Both ways", language=SessionLanguage.BILINGUAL)
    page = client.get("/?lang=en").get_data(as_text=True)
    assert page.count('<span class="pill pill-language">') == 3
    assert '<span class="pill pill-language">In English</span>' in page
    assert '<span class="pill pill-language">In Spanish</span>' in page
    assert '<span class="pill pill-language">Bilingual (English and Spanish)</span>' in page
    spanish = client.get("/?lang=es").get_data(as_text=True)
    assert '<span class="pill pill-language">En español</span>' in spanish
    assert '<span class="pill pill-language">En inglés</span>' in spanish
    assert '<span class="pill pill-language">Bilingüe (inglés y español)</span>' in spanish


def test_home_filters_by_language_and_bilingual_sessions_count_for_both(client):
    make_lab_session(title="English lab")
    make_lab_session(title="Familias", language=SessionLanguage.ES)
    make_lab_session(title="Both ways", language=SessionLanguage.BILINGUAL)
    assert sorted(_titles(client.get("/?language=es").get_data(as_text=True))) == ["Both ways", "Familias"]
    assert sorted(_titles(client.get("/?language=en").get_data(as_text=True))) == ["Both ways", "English lab"]
    assert _titles(client.get("/?language=bilingual").get_data(as_text=True)) == ["Both ways"]
    assert len(_titles(client.get("/").get_data(as_text=True))) == 3


def test_the_filter_is_plain_links_that_say_which_one_is_chosen(client):
    make_lab_session(title="Familias", language=SessionLanguage.ES)
    page = client.get("/?language=es").get_data(as_text=True)
    assert '<a href="/?language=es" aria-current="page">In Spanish</a>' in page
    assert '<a href="/">All languages</a>' in page


def test_an_unknown_language_shows_every_session_with_a_clear_note(client):
    make_lab_session(title="English lab")
    make_lab_session(title="Familias", language=SessionLanguage.ES)
    response = client.get("/?language=klingon")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "We have no sessions in “klingon”: here are the sessions in every language." in page
    assert sorted(_titles(page)) == ["English lab", "Familias"]


def test_a_language_with_no_sessions_says_so_and_links_to_all(client):
    make_lab_session(title="English lab")
    page = client.get("/?language=es").get_data(as_text=True)
    assert "No sessions in this language are scheduled right now." in page
    assert 'class="session-card"' not in page


def test_session_page_says_its_language(client):
    lab = make_lab_session(language=SessionLanguage.ES)
    page = client.get(f"/sessions/{lab.slug}").get_data(as_text=True)
    assert "<dt>Language</dt><dd>In Spanish</dd>" in page
    spanish = client.get(f"/sessions/{lab.slug}?lang=es").get_data(as_text=True)
    assert "<dt>Idioma</dt><dd>En español</dd>" in spanish


def test_a_new_session_is_in_english_unless_told_otherwise(app):
    assert make_lab_session().language == SessionLanguage.EN


def test_session_fields_refuse_an_unknown_language(app):
    fields = SessionFields(title="X", starts_at=now_utc(), timezone="America/Chicago", duration_minutes=60,
                           capacity=5, language="fr")  # type: ignore[arg-type]
    with pytest.raises(InvalidSession, match="English \\(en\\), Spanish \\(es\\) or both"):
        fields.validate()


def test_home_query_count_does_not_grow_with_sessions_in_other_languages(client):
    make_lab_session(language=SessionLanguage.ES)
    with count_queries() as few:
        assert client.get("/?language=es").status_code == 200
    for index in range(12):
        make_registration(make_lab_session(language=[SessionLanguage.ES, SessionLanguage.BILINGUAL][index % 2]))
    with count_queries() as many:
        page = client.get("/?language=es").get_data(as_text=True)
    assert page.count('class="session-card"') == 13
    assert many.count == few.count
