"""What arrives in the inbox: MIME structure, headers, and text that can never become a header."""

from __future__ import annotations

import re
from datetime import timedelta
from email.utils import parsedate_to_datetime

from labapp.db import db, unit_of_work
from labapp.mail.deliver import deliver_pending
from labapp.registrations.links import manage_url
from labapp.sessions.models import LabSession
from tests.factories import make_lab_session, make_registration, now_utc
from tests.helpers import outbox
from tests.mail.every_email import every_email
from tests.mail.support import body_text, calendar_part, content_types, queue_plain


def test_confirmation_is_text_and_html_with_the_same_content_plus_a_calendar_invite(app, smtp):
    now = now_utc()
    lab = make_lab_session(now=now, title="Listening to Families")
    registration = make_registration(lab, now=now, email="ana@example.edu")
    deliver_pending(now=now)
    [message] = smtp.to("ana@example.edu")
    # The meeting request is the last alternative (what Outlook and Gmail show as a meeting),
    # and the same calendar comes as an invite.ics file for clients that import attachments.
    assert content_types(message) == [
        "multipart/mixed", "multipart/alternative", "text/plain", "text/html", "text/calendar", "application/ics",
    ]
    alternative, attachment = message.get_payload()
    invite = alternative.get_payload()[-1]
    assert invite is calendar_part(message) and invite.get_content_disposition() is None
    assert invite.get_param("method") == "REQUEST" and invite.get_content_charset() == "utf-8"
    assert attachment.get_content_disposition() == "attachment" and attachment.get_filename() == "invite.ics"
    assert attachment.get_content().decode() == invite.get_content()
    text, html = body_text(message, "plain"), body_text(message, "html")
    for fact in (lab.title, manage_url(registration), f"/sessions/{lab.slug}#agenda", lab.join_url):
        assert fact in text and fact in html
    assert '<html lang="en">' in html and "<img" not in html and "<script" not in html
    assert str(message["Subject"]).startswith("Confirmed: Listening to Families — ")


def test_waitlist_email_is_text_and_html_without_an_invite(app, smtp):
    now = now_utc()
    lab = make_lab_session(now=now, capacity=1)
    make_registration(lab, now=now)
    make_registration(lab, now=now, email="second@example.edu")
    deliver_pending(now=now)
    [message] = smtp.to("second@example.edu")
    assert content_types(message) == ["multipart/alternative", "text/plain", "text/html"]
    assert str(message["Subject"]).startswith("Waitlist: ")
    assert "number 1 in line" in body_text(message, "plain")


def test_date_message_id_from_and_reply_to_are_set(app, smtp):
    app.config["MAIL_REPLY_TO"] = "Lab Team <team@example.org>"
    now = now_utc()
    lab = make_lab_session(now=now)
    make_registration(lab, now=now, email="dora@example.edu")
    deliver_pending(now=now + timedelta(seconds=5))
    [message] = smtp.to("dora@example.edu")
    assert parsedate_to_datetime(message["Date"]) == now + timedelta(seconds=5)
    assert message["Message-ID"].startswith("<") and message["Message-ID"].endswith("@labapp.test>")
    assert message["Message-ID"] == outbox()[0].message_id
    assert str(message["From"]) == "Conversation Labs <labs@labapp.test>"
    assert message["Reply-To"].addresses[0].addr_spec == "team@example.org"


def test_a_sessions_own_reply_to_wins_over_the_site_address(app, smtp):
    app.config["MAIL_REPLY_TO"] = "team@example.org"
    now = now_utc()
    lab = make_lab_session(now=now)
    with unit_of_work():
        db.session.get(LabSession, lab.id).reply_to = "facilitator@school.example"
    make_registration(lab, now=now, email="eli@example.edu")
    deliver_pending(now=now)
    assert smtp.to("eli@example.edu")[0]["Reply-To"].addresses[0].addr_spec == "facilitator@school.example"


def test_a_retried_email_keeps_its_message_id(app, smtp):
    now = now_utc()
    [row] = queue_plain(1, now=now)
    first_id = row.message_id
    smtp.reply_with("451 4.3.0 Try later")
    deliver_pending(now=now)
    deliver_pending(now=now + timedelta(minutes=2))
    assert smtp.messages[0]["Message-ID"] == first_id


def test_line_breaks_in_a_name_subject_or_reply_to_cannot_add_a_header(app, smtp):
    now = now_utc()
    queue_plain(
        1,
        now=now,
        to_name="Mallory\r\nBcc: victim@example.org",
        subject="Hello\nBcc: victim@example.org",
        reply_to="team@example.org\r\nX-Injected: yes",
        headers={"X-Note": "fine\r\nBcc: victim@example.org", "Bcc": "victim@example.org"},
    )
    deliver_pending(now=now)
    [message] = smtp.messages
    assert message["Bcc"] is None and message["X-Injected"] is None
    assert smtp.envelopes[0][1] == ["person0@example.edu"]
    assert message["To"].addresses[0].display_name == "Mallory Bcc: victim@example.org"
    assert str(message["Subject"]) == "Hello Bcc: victim@example.org"
    assert message["X-Note"] == "fine Bcc: victim@example.org"


def test_a_registration_name_with_line_breaks_stays_inside_the_to_header(app, client, smtp):
    now = now_utc()
    app.config["CLOCK"] = lambda: now
    lab = make_lab_session(now=now)
    client.post(f"/sessions/{lab.slug}/register", data={
        "full_name": "Eve\r\nBcc: victim@example.org", "email": "eve@example.edu", "role": "teacher",
        "organisation": "School\r\nX-Evil: 1", "consent": "y",
    })
    deliver_pending(now=now)
    assert len(smtp.messages) == 1
    [message] = smtp.messages
    assert message["Bcc"] is None and message["X-Evil"] is None
    assert smtp.envelopes[0][1] == ["eve@example.edu"]


def test_non_ascii_names_and_titles_are_encoded_and_read_back_intact(app, smtp):
    now = now_utc()
    lab = make_lab_session(now=now, title="Écouter les familles — 家庭")
    make_registration(lab, now=now, full_name="Zoë Ñúñez-李", email="zoe@example.edu")
    deliver_pending(now=now)
    [message] = smtp.to("zoe@example.edu")
    assert message["To"].addresses[0].display_name == "Zoë Ñúñez-李"
    assert str(message["Subject"]).startswith("Confirmed: Écouter les familles — 家庭")
    assert "Hello Zoë" in body_text(message, "plain")
    assert smtp.raw[0].isascii()  # on the wire: RFC 2047 encoded words and quoted-printable
    assert b"=?utf-8?" in smtp.raw[0].split(b"\r\n\r\n")[0]


def test_an_international_domain_is_sent_in_its_ascii_form(app, smtp):
    now = now_utc()
    queue_plain(1, now=now, to_address="ana@bücher.example")
    deliver_pending(now=now)
    assert smtp.envelopes[0][1] == ["ana@xn--bcher-kva.example"]


def test_an_address_that_would_need_smtputf8_fails_with_a_reason_and_the_rest_still_go(app, smtp):
    now = now_utc()
    queue_plain(1, now=now, to_address="josé@example.edu")
    queue_plain(1, now=now)
    report = deliver_pending(now=now)
    assert (report.sent, report.failed) == (1, 1)
    failed = [row for row in outbox() if row.status == "failed"]
    assert "SMTPUTF8" in failed[0].last_error


def test_every_email_says_it_was_sent_automatically_so_vacation_replies_stay_away(app, smtp):
    emails = every_email(smtp, now=now_utc())
    assert {kind: str(message["Auto-Submitted"]) for kind, message in emails.items()} == {
        kind: "auto-generated" for kind in emails
    }


def test_a_long_list_unsubscribe_starts_on_its_own_line(app, smtp):
    reminder = every_email(smtp, now=now_utc())["reminder"]
    raw = next(raw for raw in smtp.raw if b"List-Unsubscribe:" in raw)
    header = re.search(rb"^List-Unsubscribe:(.*)$", raw, re.MULTILINE).group(1)
    # "List-Unsubscribe: " followed by nothing, then the URL on a continuation line, reads as empty to some filters.
    assert header.strip().startswith(b"<http") and header.rstrip(b"\r").endswith(b">")
    assert str(reminder["List-Unsubscribe"]) == header.strip().decode()
