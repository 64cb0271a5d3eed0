"""What a person reads: words and buttons in the HTML part, every URL spelled out in the plain part."""

from __future__ import annotations

from html.parser import HTMLParser

from labapp.db import db
from labapp.registrations.links import manage_url
from labapp.registrations.models import Registration
from tests.factories import now_utc
from tests.mail.every_email import JOIN_URL, TITLE, every_email
from tests.mail.support import body_text, invite_of

# Emails that carry a meeting request (METHOD:REQUEST) a calendar may offer to Accept or Decline.
WITH_INVITE = ("registration_confirmed", "registration_promoted", "registration_session_updated")


class _Reader(HTMLParser):
    """The text a mail app shows (not what is inside tags or <head>) and each link with its words."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.links: list[tuple[str, str]] = []
        self._href: str | None = None
        self._words: list[str] = []
        self._in_head = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "head":
            self._in_head = True
        if tag == "a":
            self._href, self._words = dict(attrs).get("href") or "", []

    def handle_endtag(self, tag: str) -> None:
        if tag == "head":
            self._in_head = False
        if tag == "a" and self._href is not None:
            self.links.append((self._href, " ".join("".join(self._words).split())))
            self._href = None

    def handle_data(self, data: str) -> None:
        if not self._in_head:
            self.text.append(data)
            if self._href is not None:
                self._words.append(data)


def read(html: str) -> _Reader:
    reader = _Reader()
    reader.feed(html)
    return reader


def test_the_html_part_shows_words_not_urls_and_the_plain_part_keeps_every_url(app, smtp):
    emails = every_email(smtp, now=now_utc())
    for kind, message in emails.items():
        html = read(body_text(message, "html"))
        shown = " ".join(html.text)
        assert "http://" not in shown and "https://" not in shown, kind
        assert html.links and all(words and "://" not in words for _, words in html.links), kind
        text = body_text(message, "plain")
        assert {href for href, _ in html.links} <= {word.rstrip(".,") for word in text.split()}, kind
    reminder = read(body_text(emails["reminder"], "html"))
    assert (JOIN_URL, "Join the session") in reminder.links


def test_a_title_ending_in_a_question_mark_gets_no_stray_full_stop(app, smtp):
    emails = every_email(smtp, now=now_utc())
    assert TITLE.endswith("?")
    for kind, message in emails.items():
        for body in (body_text(message, "plain"), " ".join(read(body_text(message, "html")).text)):
            assert f"{TITLE}." not in body, kind
    for kind in ("registration_confirmed", "registration_promoted", "registration_follow_up"):
        assert TITLE in body_text(emails[kind], "plain")  # the sentence is there, ending on the title's "?"


def test_an_invite_says_decline_does_not_cancel_and_offers_cant_make_it(app, smtp):
    emails = every_email(smtp, now=now_utc())
    for kind in WITH_INVITE:
        message = emails[kind]
        [event] = invite_of(message).events
        attendee = event["ATTENDEE"]
        # No RSVP is asked for, and the organiser is the address the email comes from.
        assert attendee.params["RSVP"] == "FALSE"
        assert str(event["ORGANIZER"]) == f"mailto:{message['From'].addresses[0].addr_spec}"
        assert event["X-MICROSOFT-DISALLOW-COUNTER"] == "TRUE"
        cancel = f"{manage_url_of(message)}/cancel"
        text = body_text(message, "plain")
        assert "Decline doesn't cancel your seat" in text and "Can't make it? Cancel here" in text
        assert cancel in text
        html = read(body_text(message, "html"))
        assert "Decline doesn't cancel your seat" in " ".join(" ".join(html.text).split())
        assert (cancel, "Can't make it?") in html.links


def manage_url_of(message) -> str:
    """The manage link the email gives (its footer link)."""
    [link] = [href for href, words in read(body_text(message, "html")).links
              if words == "Update or cancel your registration"]
    return link


def test_the_manage_link_in_the_footer_is_the_persons_own(app, smtp):
    emails = every_email(smtp, now=now_utc())
    message = emails["registration_confirmed"]
    address = message["To"].addresses[0].addr_spec
    registration = db.session.query(Registration).filter_by(email=address).one()
    assert manage_url_of(message) == manage_url(registration)
