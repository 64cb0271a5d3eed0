"""The roster: tabs with counts, search, sort, pages, and one-tap actions that work without JavaScript."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest

from labapp.db import db
from labapp.mail.deliver import deliver_pending
from labapp.registrations.attendance import set_checked_in
from labapp.registrations.models import Registration, RegistrationStatus
from labapp.registrations.prework import prework_prompts, save_prework_answers
from tests.factories import make_lab_session, make_registration, now_utc
from tests.helpers import count_queries, outbox


def _reload(registration):
    db.session.expire_all()
    return db.session.get(Registration, registration.id)


def test_roster_shows_tabs_with_counts_and_each_persons_answers(signed_in, lab):
    make_registration(lab, full_name="Ana Alvarez", organisation="Roosevelt Elementary",
                      focus_populations=["english_learners"], accommodations="Captions please",
                      hopes="Better family conferences")
    for _ in range(3):
        make_registration(lab)
    page = signed_in.get(f"/dashboard/sessions/{lab.id}/roster").get_data(as_text=True)
    assert "Confirmed (3)" in page and "Waitlisted (1)" in page and "Cancelled (0)" in page
    for text in ("Ana Alvarez", "Teacher", "Roosevelt Elementary", "English learners", "Captions please",
                 "Better family conferences", "Reminders:"):
        assert text in page


def test_search_finds_people_by_name_email_or_organisation(signed_in, facilitator):
    lab = make_lab_session(facilitators=[facilitator], capacity=20)
    make_registration(lab, full_name="Bea Brown", organisation="Hillside High", email="bea@district.org")
    make_registration(lab, full_name="Cy Chen", organisation="Lakeview Middle", email="cy@school.org")
    for query, expected, hidden in (("bea", "Bea Brown", "Cy Chen"), ("LAKEVIEW", "Cy Chen", "Bea Brown"),
                                    ("district.org", "Bea Brown", "Cy Chen"), ("100%", None, "Bea Brown")):
        page = signed_in.get(f"/dashboard/sessions/{lab.id}/roster", query_string={"q": query}).get_data(as_text=True)
        if expected:
            assert expected in page
        assert hidden not in page


def test_sort_by_name(signed_in, facilitator):
    lab = make_lab_session(facilitators=[facilitator], capacity=20)
    for name in ("Zoe Zed", "Al Alpha", "Mo Middle"):
        make_registration(lab, full_name=name)
    page = signed_in.get(f"/dashboard/sessions/{lab.id}/roster?sort=name").get_data(as_text=True)
    assert page.index("Al Alpha") < page.index("Mo Middle") < page.index("Zoe Zed")


def test_roster_pages_fifty_people_at_a_time(signed_in, facilitator):
    lab = make_lab_session(facilitators=[facilitator], capacity=100)
    for n in range(55):
        make_registration(lab, full_name=f"Person {n:03d}")
    first = signed_in.get(f"/dashboard/sessions/{lab.id}/roster").get_data(as_text=True)
    second = signed_in.get(f"/dashboard/sessions/{lab.id}/roster?page=2").get_data(as_text=True)
    assert "Person 049" in first and "Person 050" not in first
    assert "Person 050" in second and "Page 2 of 2" in second
    assert signed_in.get(f"/dashboard/sessions/{lab.id}/roster?page=abc").status_code == 200
    assert signed_in.get(f"/dashboard/sessions/{lab.id}/roster?tab=nonsense").status_code == 404


def test_roster_runs_the_same_number_of_queries_for_5_or_60_people(signed_in, facilitator):
    counts = []
    for size in (5, 60):
        lab = make_lab_session(facilitators=[facilitator], capacity=100)
        for _ in range(size):
            make_registration(lab, focus_populations=["newcomers"])
        signed_in.get(f"/dashboard/sessions/{lab.id}/roster")  # warm the user/session loading
        with count_queries() as counter:
            assert signed_in.get(f"/dashboard/sessions/{lab.id}/roster?q=educator&sort=name").status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1], counts
    assert counts[0] <= 8


def test_check_in_with_one_tap_and_undo(signed_in, lab):
    person = make_registration(lab)
    response = signed_in.post(f"/dashboard/sessions/{lab.id}/registrations/{person.id}/check-in?tab=confirmed")
    assert response.status_code == 302 and f"#r{person.id}" in response.headers["Location"]
    first_tap = _reload(person).checked_in_at
    assert first_tap is not None
    signed_in.post(f"/dashboard/sessions/{lab.id}/registrations/{person.id}/check-in")
    assert _reload(person).checked_in_at == first_tap  # a double tap changes nothing
    page = signed_in.get(f"/dashboard/sessions/{lab.id}/roster").get_data(as_text=True)
    assert "Here — undo" in page
    signed_in.post(f"/dashboard/sessions/{lab.id}/registrations/{person.id}/check-in", data={"undo": "1"})
    assert _reload(person).checked_in_at is None


def test_waitlisted_people_cannot_be_checked_in(signed_in, lab):
    for _ in range(3):
        make_registration(lab)
    waiting = make_registration(lab)
    page = signed_in.post(f"/dashboard/sessions/{lab.id}/registrations/{waiting.id}/check-in",
                          follow_redirects=True).get_data(as_text=True)
    assert "Only people with a seat can be checked in" in page
    assert _reload(waiting).checked_in_at is None


def test_promote_from_the_waitlist_gives_a_seat_and_emails_them(signed_in, lab):
    for _ in range(3):
        make_registration(lab)
    waiting = make_registration(lab)
    page = signed_in.post(f"/dashboard/sessions/{lab.id}/registrations/{waiting.id}/promote",
                          follow_redirects=True).get_data(as_text=True)
    assert "capacity is now 4" in page
    assert _reload(waiting).status == RegistrationStatus.CONFIRMED
    assert [m.to_address for m in outbox("registration_promoted")] == [waiting.email]


def test_cancel_on_someones_behalf_tells_them_and_frees_the_seat(signed_in, lab):
    seated = [make_registration(lab) for _ in range(3)]
    waiting = make_registration(lab)
    signed_in.post(f"/dashboard/sessions/{lab.id}/registrations/{seated[0].id}/cancel")
    assert _reload(seated[0]).status == RegistrationStatus.CANCELLED
    assert _reload(waiting).status == RegistrationStatus.CONFIRMED
    assert [m.to_address for m in outbox("registration_cancelled")] == [seated[0].email]


def test_resend_confirmation_sends_the_same_private_link(signed_in, lab):
    person = make_registration(lab)
    signed_in.post(f"/dashboard/sessions/{lab.id}/registrations/{person.id}/resend")
    confirmations = outbox("registration_confirmed")
    assert len(confirmations) == 2
    assert confirmations[0].text_body == confirmations[1].text_body


@pytest.mark.parametrize("action", ["check-in", "promote", "cancel", "resend"])
def test_actions_on_unknown_registrations_are_404(signed_in, lab, action):
    assert signed_in.post(f"/dashboard/sessions/{lab.id}/registrations/999999/{action}").status_code == 404


def test_whos_in_the_room_counts_roles_and_focus_and_lists_hopes(signed_in, lab):
    make_registration(lab, role="teacher", focus_populations=["english_learners", "newcomers"], hopes="Trust")
    make_registration(lab, role="school_leader", focus_populations=["english_learners"], hopes="Belonging")
    make_registration(lab, role="teacher")
    waiting = make_registration(lab, hopes="Not in the room yet")
    assert waiting.status == RegistrationStatus.WAITLISTED
    page = signed_in.get(f"/dashboard/sessions/{lab.id}/room").get_data(as_text=True)
    assert "3 people have a seat" in page
    assert "<th scope=\"row\">Teacher</th><td>2</td>" in page
    assert "<th scope=\"row\">English learners</th><td>2</td>" in page
    assert "Trust" in page and "Belonging" in page and "Not in the room yet" not in page


def test_overview_shows_fill_chart_and_attendance(app, signed_in, facilitator):
    now = now_utc()
    upcoming = make_lab_session(facilitators=[facilitator], title="Coming Up", capacity=4)
    make_registration(upcoming)
    past = make_lab_session(facilitators=[facilitator], title="Last Month", now=now - timedelta(days=40),
                            starts_at=now - timedelta(days=30))
    came = make_registration(past, now=now - timedelta(days=35))
    make_registration(past, now=now - timedelta(days=35))
    from labapp.registrations.attendance import set_checked_in

    set_checked_in(lab_session_id=past.id, registration_id=came.id, is_checked_in=True, now=now)
    page = signed_in.get("/dashboard/").get_data(as_text=True)
    assert "Coming Up" in page and 'max="4" value="1"' in page
    assert "<svg" in page and "1 registrations from" in page
    assert "50%" in page and "Last Month" in page


def _ended_session_with_one_who_came(facilitator):
    start = now_utc() - timedelta(hours=4)
    lab = make_lab_session(facilitators=[facilitator], starts_at=start, duration_minutes=60,
                           now=start - timedelta(days=3))
    came = make_registration(lab, now=start - timedelta(days=1), full_name="Carla Came")
    absent = make_registration(lab, now=start - timedelta(days=1), full_name="Andy Absent")
    set_checked_in(lab_session_id=lab.id, registration_id=came.id, is_checked_in=True, now=start)
    return lab, came, absent


def test_resend_certificate_is_offered_for_checked_in_attendees_after_the_session(signed_in, facilitator, smtp):
    lab, came, absent = _ended_session_with_one_who_came(facilitator)
    page = signed_in.get(f"/dashboard/sessions/{lab.id}/roster").get_data(as_text=True)
    assert page.count("Resend certificate") == 1
    assert f"/registrations/{came.id}/certificate" in page and f"/registrations/{absent.id}/certificate" not in page
    response = signed_in.post(f"/dashboard/sessions/{lab.id}/registrations/{came.id}/certificate",
                              follow_redirects=True)
    assert "Certificate link sent to Carla." in response.get_data(as_text=True)
    [message] = outbox("registration_certificate")
    assert message.to_address == came.email
    deliver_pending(now=now_utc() + timedelta(seconds=1))
    assert any(m["Subject"].startswith("Certificate of participation:") and came.email in m["To"]
               for m in smtp.messages)


def test_resend_certificate_for_someone_who_was_absent_says_why_not(signed_in, facilitator):
    lab, _, absent = _ended_session_with_one_who_came(facilitator)
    response = signed_in.post(f"/dashboard/sessions/{lab.id}/registrations/{absent.id}/certificate",
                              follow_redirects=True)
    assert response.status_code == 200
    assert "A certificate is available after the session to people who attended it." in response.get_data(as_text=True)
    assert not outbox("registration_certificate")


def test_no_certificate_button_before_the_session_ends(signed_in, lab):
    person = make_registration(lab)
    signed_in.post(f"/dashboard/sessions/{lab.id}/registrations/{person.id}/check-in")
    assert "Resend certificate" not in signed_in.get(f"/dashboard/sessions/{lab.id}/roster").get_data(as_text=True)
    signed_in.post(f"/dashboard/sessions/{lab.id}/registrations/{person.id}/certificate")
    assert not outbox("registration_certificate")


def test_room_page_groups_pre_work_answers_by_question(signed_in, lab):
    prompts = prework_prompts(lab.id)
    ana = make_registration(lab, full_name="Ana Alvarez")
    ben = make_registration(lab, full_name="Ben Baker")
    save_prework_answers(registration_id=ana.id, now=now_utc(),
                         answers={prompts[0]["id"]: "My newcomers\nfeel unseen", prompts[1]["id"]: "Home visits"})
    save_prework_answers(registration_id=ben.id, now=now_utc(), answers={prompts[0]["id"]: "Attendance of <b>9th</b>"})
    raw = signed_in.get(f"/dashboard/sessions/{lab.id}/room").get_data(as_text=True)
    assert "&lt;b&gt;9th&lt;/b&gt;" in raw
    page = html.unescape(raw)
    assert page.count(prompts[0]["text"]) == 1
    first, second = page.index(prompts[0]["text"]), page.index(prompts[1]["text"])
    assert first < page.index("My newcomers") < page.index("Attendance of") < second < page.index("Home visits")


def test_check_in_outcome_is_announced_in_the_persons_row_not_at_the_top(signed_in, lab):
    person = make_registration(lab, full_name="Ana Alvarez")
    response = signed_in.post(f"/dashboard/sessions/{lab.id}/registrations/{person.id}/check-in")
    assert response.headers["Location"].endswith(f"done={person.id}#r{person.id}-status")
    page = signed_in.get(response.headers["Location"]).get_data(as_text=True)
    row = page[page.index(f'id="r{person.id}"'):]
    assert f'id="r{person.id}-status" role="status" tabindex="-1"' in row
    assert row.index("Ana Alvarez is checked in.") < row.index("✓ Here — undo")
    assert 'class="flashes"' not in page
    assert "is checked in." not in signed_in.get(response.headers["Location"]).get_data(as_text=True)


def test_an_outcome_for_someone_who_left_the_tab_shows_at_the_top(signed_in, lab):
    for _ in range(3):
        make_registration(lab)
    waiting = make_registration(lab)
    page = signed_in.post(f"/dashboard/sessions/{lab.id}/registrations/{waiting.id}/promote?tab=waitlisted",
                          follow_redirects=True).get_data(as_text=True)
    assert 'class="flashes" role="status"' in page and "has a seat and is being emailed" in page
    assert f'id="r{waiting.id}-status"' not in page
