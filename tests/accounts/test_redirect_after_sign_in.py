"""After signing in, `next` may only lead to a page of this site: never to another host, never a 500."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.factories import make_lab_session, make_user
from tests.helpers import PASSWORD

# Query strings exactly as an attacker would put them in a link (already percent-encoded).
HOSTILE_NEXT = [
    "/%09/evil.example",
    "/%5Cevil.example",
    "//evil.example",
    "/%2F%2Fevil.example",
    "https:evil.example",
    "/%0a/evil.example",
    "%09//evil.example",
    "/\\evil.example",
    "/%0d%0a//evil.example",
    "%20//evil.example",
    "/%00/evil.example",
    "https://evil.example/dashboard/",
    "javascript:alert(1)",
    "/%E3%80%82/evil.example",
    "/not-a-page-of-this-site",
]


def _stays_on_this_site(location: str) -> bool:
    # What a browser would do with the Location: it drops tabs and newlines, treats \ as /.
    cleaned = "".join(ch for ch in location if ch not in "\t\n\r").strip().replace("\\", "/")
    parts = urlsplit(cleaned)
    return parts.scheme in ("", "http") and parts.netloc in ("", "localhost") and not cleaned.startswith("//")


@pytest.mark.parametrize("next_param", HOSTILE_NEXT)
def test_a_correct_sign_in_never_sends_the_person_to_another_site(client, next_param):
    user = make_user()
    response = client.post(f"/account/login?next={next_param}", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert _stays_on_this_site(response.headers["Location"]), response.headers["Location"]
    assert response.headers["Location"] == "/dashboard/"


def test_a_good_next_still_leads_to_the_page_the_person_asked_for(client):
    user = make_user()
    lab = make_lab_session()
    asked = client.get(f"/dashboard/sessions/{lab.id}")
    assert asked.status_code == 302
    login_url = asked.headers["Location"]  # the login page with ?next=… as Flask-Login builds it
    response = client.post(login_url, data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/dashboard/sessions/{lab.id}"


def test_a_next_with_a_query_string_keeps_it(client):
    user = make_user()
    response = client.post("/account/login?next=/dashboard/hours%3Ffrom%3D2026-01-01",
                           data={"email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/dashboard/hours?from=2026-01-01"
