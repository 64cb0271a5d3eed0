"""What search engines and link previews read from a page's head: a description of that page."""

from __future__ import annotations

from html.parser import HTMLParser

from tests.factories import make_lab_session, registration_form


class _Head(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.descriptions: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "meta" and found.get("name") == "description":
            self.descriptions.append(found.get("content") or "")


def description_of(html: str) -> str:
    head = _Head()
    head.feed(html)
    [description] = head.descriptions
    return description


def test_every_public_page_describes_itself(app, client):
    lab = make_lab_session(title="Families as Partners", summary='Listening to families, "properly" & often.')
    registered = client.post(f"/sessions/{lab.slug}/register", data=registration_form(), follow_redirects=True)
    assert registered.status_code == 200
    pages = {path: client.get(path).get_data(as_text=True)
             for path in ("/", f"/sessions/{lab.slug}", "/protocol", "/privacy", "/my-record")}
    pages["after registering"] = registered.get_data(as_text=True)
    descriptions = {page: description_of(html) for page, html in pages.items()}
    assert all(20 <= len(text) <= 160 for text in descriptions.values()), descriptions
    # The session page describes that session, quotes and ampersands intact.
    assert descriptions[f"/sessions/{lab.slug}"] == 'Listening to families, "properly" & often.'
    assert len({descriptions[p] for p in ("/", f"/sessions/{lab.slug}", "/protocol", "/privacy")}) == 4


def test_a_session_without_a_summary_is_described_by_its_title_and_time(app, client):
    lab = make_lab_session(title="Families as Partners", summary="")
    description = description_of(client.get(f"/sessions/{lab.slug}").get_data(as_text=True))
    assert description.startswith("Families as Partners: a Conversation Lab on ")
