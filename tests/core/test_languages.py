"""The page's language: Accept-Language, the English | Español switch, ?lang=, remembered in a cookie."""

from __future__ import annotations

import re

from labapp.core.page_cache import clear_page_cache


def _lang(html: str) -> str:
    match = re.search(r'<html lang="([^"]+)"', html)
    assert match, html[:200]
    return match.group(1)


def test_english_is_the_default(client):
    html = client.get("/").get_data(as_text=True)
    assert _lang(html) == "en"
    assert 'aria-label="Language"' in html


def test_spanish_from_the_browser_header(client):
    html = client.get("/", headers={"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"}).get_data(as_text=True)
    assert _lang(html) == "es"
    assert 'aria-label="Idioma"' in html


def test_a_language_the_site_does_not_speak_falls_back_to_english(client):
    html = client.get("/", headers={"Accept-Language": "fr-FR,fr;q=0.9"}).get_data(as_text=True)
    assert _lang(html) == "en"


def test_lang_parameter_sets_and_remembers_the_choice(client):
    response = client.get("/?lang=es")
    assert _lang(response.get_data(as_text=True)) == "es"
    assert "lang=es" in response.headers["Set-Cookie"]
    # The next page, without the parameter and with an English browser, stays Spanish.
    html = client.get("/protocol", headers={"Accept-Language": "en-US"}).get_data(as_text=True)
    assert _lang(html) == "es"
    html = client.get("/protocol?lang=en").get_data(as_text=True)
    assert _lang(html) == "en"
    assert _lang(client.get("/").get_data(as_text=True)) == "en"


def test_the_switch_links_to_this_page_in_each_language(client):
    html = client.get("/protocol").get_data(as_text=True)
    switch = html.split('class="language-switch"')[1].split(">", 1)[1].split("</nav>")[0]
    assert 'href="/protocol?lang=en" hreflang="en" lang="en" aria-current="true">English</a>' in switch
    assert 'href="/protocol?lang=es" hreflang="es" lang="es">Español</a>' in switch
    # What a sighted visitor reads (CONTRACT: "English | Español"); the bar itself is hidden from screen readers.
    assert " ".join(re.sub(r"<[^>]+>", " ", switch).split()) == "English | Español"


def test_cached_home_page_is_kept_per_language(app, client):
    app.config["PUBLIC_PAGE_CACHE_SECONDS"] = 60
    clear_page_cache()
    assert _lang(client.get("/", headers={"Accept-Language": "es"}).get_data(as_text=True)) == "es"
    assert _lang(client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)) == "en"
    assert _lang(client.get("/", headers={"Accept-Language": "es"}).get_data(as_text=True)) == "es"
