"""Writing to attendees: preview first, then one email each through the outbox, and a record of who got it."""

from __future__ import annotations

from datetime import timedelta

from labapp.mail.deliver import deliver_pending
from labapp.registrations.attendance import set_checked_in
from tests.factories import make_lab_session, make_registration, now_utc
from tests.helpers import outbox

MESSAGE = {"audience": "confirmed", "subject": "Bring a student story", "body": "Hi all,\n\nPlease bring one story."}


def test_preview_shows_count_and_first_names_and_sends_nothing(signed_in, lab):
    make_registration(lab, full_name="Ana Alvarez")
    make_registration(lab, full_name="Ben Baker")
    page = signed_in.post(f"/dashboard/sessions/{lab.id}/messages/new", data={**MESSAGE, "step": "preview"})
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "<strong>2</strong> people" in text and "Ana, Ben" in text
    assert not outbox("registration_facilitator_message")


def test_sending_queues_one_email_per_person_and_keeps_a_record(signed_in, lab, smtp):
    people = [make_registration(lab) for _ in range(3)]
    waiting = make_registration(lab)
    deliver_pending(now=now_utc() + timedelta(seconds=1))  # the confirmations
    smtp.messages.clear()
    response = signed_in.post(f"/dashboard/sessions/{lab.id}/messages/new", data={**MESSAGE, "step": "send"})
    assert response.status_code == 302
    queued = outbox("registration_facilitator_message")
    assert sorted(m.to_address for m in queued) == sorted(p.email for p in people)
    assert waiting.email not in {m.to_address for m in queued}
    assert queued[0].subject == f"Bring a student story — {lab.title}"
    deliver_pending(now=now_utc() + timedelta(seconds=1))
    assert len(smtp.messages) == 3
    assert "Please bring one story." in smtp.messages[0].get_body(("plain",)).get_content()
    record = signed_in.get(response.headers["Location"]).get_data(as_text=True)
    assert all(p.full_name in record for p in people) and record.count(">sent<") == 3
    listing = signed_in.get(f"/dashboard/sessions/{lab.id}/messages").get_data(as_text=True)
    assert "Bring a student story" in listing


def test_message_to_the_waitlist_reaches_only_waitlisted_people(signed_in, lab):
    for _ in range(3):
        make_registration(lab)
    waiting = make_registration(lab)
    signed_in.post(f"/dashboard/sessions/{lab.id}/messages/new",
                   data={**MESSAGE, "audience": "waitlisted", "step": "send"})
    assert [m.to_address for m in outbox("registration_facilitator_message")] == [waiting.email]


def test_message_to_nobody_or_without_text_is_refused(signed_in, lab):
    empty = signed_in.post(f"/dashboard/sessions/{lab.id}/messages/new", data={**MESSAGE, "step": "send"})
    assert empty.status_code == 400 and "no one to write to" in empty.get_data(as_text=True)
    make_registration(lab)
    blank = signed_in.post(f"/dashboard/sessions/{lab.id}/messages/new", data={**MESSAGE, "body": "", "step": "send"})
    assert blank.status_code == 400 and "Please write the message." in blank.get_data(as_text=True)
    assert not outbox("registration_facilitator_message")


def test_facilitator_text_is_escaped_in_the_html_email(signed_in, lab):
    make_registration(lab)
    signed_in.post(f"/dashboard/sessions/{lab.id}/messages/new",
                   data={**MESSAGE, "body": "<img src=x onerror=alert(1)>", "step": "send"})
    html = outbox("registration_facilitator_message")[0].html_body
    assert "<img src=x" not in html and "&lt;img src=x" in html


def _session_that_happened(facilitator, app):
    """A session that ended an hour ago, with two people who came, two who did not and one on the waitlist."""
    start = now_utc() - timedelta(hours=3)
    lab = make_lab_session(title="Family Stories", facilitators=[facilitator], capacity=4, starts_at=start,
                           duration_minutes=120, now=start - timedelta(days=5))
    people = [make_registration(lab, now=start - timedelta(days=2), full_name=name)
              for name in ("Ana Came", "Ben Came", "Cy Absent", "Di Absent", "Ed Waiting")]
    for person in people[:2]:
        set_checked_in(lab_session_id=lab.id, registration_id=person.id, is_checked_in=True, now=start)
    app.config["CLOCK"] = lambda: start + timedelta(hours=3)
    return lab, people[:2], people[2:4], people[4]


def test_materials_go_only_to_those_who_came_and_the_catch_up_note_only_to_the_absent(signed_in, facilitator,
                                                                                      app, smtp):
    lab, came, absent, waiting = _session_that_happened(facilitator, app)
    deliver_pending(now=now_utc() + timedelta(seconds=1))
    smtp.messages.clear()
    url = f"/dashboard/sessions/{lab.id}/messages/new"
    preview = signed_in.post(url, data={"audience": "attended", "subject": "Slides", "body": "Here are the slides.",
                                        "step": "preview"}).get_data(as_text=True)
    assert "<strong>2</strong> people" in preview and "Ana, Ben" in preview and "Cy" not in preview
    assert not outbox("registration_facilitator_message")
    signed_in.post(url, data={"audience": "attended", "subject": "Slides", "body": "Here are the slides.",
                              "step": "send"})
    absent_preview = signed_in.post(url, data={"audience": "absent", "subject": "We missed you",
                                               "body": "A short catch-up.", "step": "preview"})
    assert "Cy, Di" in absent_preview.get_data(as_text=True)
    signed_in.post(url, data={"audience": "absent", "subject": "We missed you", "body": "A short catch-up.",
                              "step": "send"})
    deliver_pending(now=now_utc() + timedelta(seconds=1))
    received = {(m["To"].addresses[0].addr_spec, m["Subject"].split(" — ")[0]) for m in smtp.messages}
    assert received == {(p.email, "Slides") for p in came} | {(p.email, "We missed you") for p in absent}
    assert waiting.email not in {m["To"].addresses[0].addr_spec for m in smtp.messages}
    listing = signed_in.get(f"/dashboard/sessions/{lab.id}/messages").get_data(as_text=True)
    assert "people who came" in listing and "did not come" in listing


def test_came_and_did_not_come_are_refused_before_the_session_starts(signed_in, lab):
    make_registration(lab)
    for step in ("preview", "send"):
        response = signed_in.post(f"/dashboard/sessions/{lab.id}/messages/new",
                                  data={**MESSAGE, "audience": "absent", "step": step})
        assert response.status_code == 400
        assert "once the session has started" in response.get_data(as_text=True)
    assert not outbox("registration_facilitator_message")


def test_everyone_confirmed_after_the_session_reaches_those_who_came_and_those_who_did_not(signed_in, facilitator,
                                                                                          app):
    lab, came, absent, waiting = _session_that_happened(facilitator, app)
    signed_in.post(f"/dashboard/sessions/{lab.id}/messages/new", data={**MESSAGE, "step": "send"})
    sent_to = {m.to_address for m in outbox("registration_facilitator_message")}
    assert sent_to == {p.email for p in came + absent}
