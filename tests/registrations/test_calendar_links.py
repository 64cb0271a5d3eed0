"""The manage page puts the session in a person's calendar: .ics download, Google and Outlook links."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from icalendar import Calendar

from labapp.mail.deliver import deliver_pending
from labapp.registrations.links import manage_token
from tests.factories import make_lab_session, make_registration, now_utc
from tests.mail.support import invite_of


def test_manage_page_offers_the_ics_download_and_google_and_outlook_links(client):
    registration = make_registration(make_lab_session(title="Listening Lab"))
    token = manage_token(registration)
    page = client.get(f"/manage/{token}").get_data(as_text=True)
    assert f'href="/manage/{token}/invite.ics"' in page
    assert "Add to Google Calendar" in page and "https://calendar.google.com/calendar/render?" in page
    assert "Add to Outlook" in page and "https://outlook.live.com/calendar/" in page


def test_calendar_links_prefill_the_session_and_keep_the_private_link_out(client):
    lab = make_lab_session(title="Listening Lab")
    registration = make_registration(lab)
    token = manage_token(registration)
    page = client.get(f"/manage/{token}").get_data(as_text=True).replace("&amp;", "&")
    google = next(part.split('"')[0] for part in page.split('href="')[1:] if part.startswith("https://calendar.google"))
    query = parse_qs(urlsplit(google).query)
    assert query["text"] == ["Listening Lab"]
    assert query["dates"] == [f"{lab.starts_at:%Y%m%dT%H%M%SZ}/{lab.ends_at:%Y%m%dT%H%M%SZ}"]
    assert token not in google


def test_the_downloaded_ics_updates_the_same_entry_as_the_emailed_invite(app, client, smtp):
    now = now_utc()
    registration = make_registration(make_lab_session(now=now), now=now, email="dl@example.edu")
    deliver_pending(now=now)
    response = client.get(f"/manage/{manage_token(registration)}/invite.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar" and "attachment" in response.headers["Content-Disposition"]
    assert "no-store" in response.headers["Cache-Control"]
    [downloaded] = Calendar.from_ical(response.data).events
    [emailed] = invite_of(smtp.to("dl@example.edu")[0]).events
    assert str(downloaded["UID"]) == str(emailed["UID"])
    assert downloaded.start == emailed.start


def test_a_waitlisted_person_gets_no_calendar_entry(client):
    lab = make_lab_session(capacity=1)
    make_registration(lab)
    waiting = make_registration(lab)
    token = manage_token(waiting)
    assert "Add to Google Calendar" not in client.get(f"/manage/{token}").get_data(as_text=True)
    assert client.get(f"/manage/{token}/invite.ics").status_code == 404


def test_an_unknown_link_has_no_calendar_file(client):
    assert client.get("/manage/not-a-token/invite.ics").status_code == 404
