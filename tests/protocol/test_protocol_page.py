"""The protocol page: every component, a table of contents, a download, and safe Markdown."""

from __future__ import annotations

from sqlalchemy import delete

from labapp.db import db
from labapp.protocol.models import ProtocolComponent
from labapp.protocol.rendering import render_markdown
from labapp.protocol.seed_content import COMPONENTS
from labapp.protocol.services import ComponentFields, edit_component, list_components
from tests.factories import now_utc


def test_a_fresh_database_has_the_full_protocol_from_the_migration(app):
    assert [c.slug for c in list_components()] == [c["slug"] for c in COMPONENTS]


def test_protocol_page_shows_every_component_with_a_table_of_contents(client):
    page = client.get("/protocol").get_data(as_text=True)
    for component in COMPONENTS:
        assert f'href="#{component["slug"]}"' in page
        assert f'id="{component["slug"]}"' in page
        assert component["title"] in page
        assert component["guiding_questions"][0].replace("'", "&#39;") in page
    assert "<strong>Understand first.</strong>" in page  # facilitator notes rendered from Markdown
    assert "about 90 minutes" in page


def test_protocol_page_is_a_print_handout(client):
    page = client.get("/protocol").get_data(as_text=True)
    assert 'href="/static/css/print.css" media="print"' in page
    print_css = client.get("/static/css/print.css").get_data(as_text=True)
    assert ".site-header" in print_css and "break-after: avoid" in print_css


def test_protocol_downloads_as_markdown(client):
    response = client.get("/protocol.md")
    assert response.status_code == 200
    assert response.mimetype == "text/markdown"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    for number, component in enumerate(COMPONENTS, start=1):
        assert f"## {number}. {component['title']}" in text
    assert "- **Understand first.**" in text


def test_sanitising_strips_script_event_handlers_and_javascript_links():
    html = str(render_markdown(
        "Hello <script>alert('x')</script> there\n\n"
        '<img src="x" onerror="alert(1)"> <b onclick="steal()">bold</b>\n\n'
        "[click](javascript:alert(1)) <a href=\"javascript:alert(2)\">raw</a> "
        "[ok](https://example.org/guide)\n\n"
        "<style>body{display:none}</style><iframe src=\"https://evil.example\"></iframe>"
    ))
    lowered = html.lower()
    for forbidden in ("<script", "alert('x')", "onerror", "onclick", 'href="javascript', "<style", "<iframe", "<img"):
        assert forbidden not in lowered, forbidden
    assert '<a rel="noopener noreferrer nofollow">raw</a>' in html  # the link text stays, the javascript: goes
    assert "<b>bold</b>" in html
    assert '<a href="https://example.org/guide" rel="noopener noreferrer nofollow">ok</a>' in html


def test_notes_an_admin_saves_with_a_script_show_without_it(client, restore_protocol):
    component = list_components()[0]
    edit_component(component_id=component.id, now=now_utc(), fields=ComponentFields(
        title=component.title, purpose=component.purpose, minutes=component.minutes,
        facilitator_notes="Be kind. <script>document.title='pwned'</script> **Listen.**",
    ))
    page = client.get("/protocol").get_data(as_text=True)
    assert "pwned" not in page
    assert "<strong>Listen.</strong>" in page


def test_protocol_page_still_works_when_the_table_is_empty(client, restore_protocol):
    db.session.execute(delete(ProtocolComponent))
    db.session.commit()
    assert client.get("/protocol").status_code == 200
