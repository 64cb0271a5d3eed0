"""Registration emails are rendered once per session version and filled in per person (issue 18).

What a person must notice: their own name and their own private link, never someone else's, the
session as it is now, and exactly the email a rendering of their own would have given them.
"""

from __future__ import annotations

import re

import pytest

from labapp.mail.kinds import EmailKind
from labapp.mail.language import in_language
from labapp.registrations import notifications
from labapp.registrations.links import manage_links, manage_token
from labapp.sessions.models import SessionFormat
from tests.factories import make_lab_session, make_registration, now_utc
from tests.helpers import outbox

NAMES = ["Ana Pérez", "Zoë <b>O'Brien</b> & co", 'José "Pepe" Ruiz', "Li", "Zqxmarkerzqxname Smith"]


def _own_rendering(registration, kind, **extra):
    """What the person's email says when rendered for them alone, as before the shared rendering."""
    with in_language(registration.language) as language:
        return notifications._render(registration, manage_links(registration), kind=kind, language=language,
                                     extra=extra)


@pytest.mark.parametrize("language", ["en", "es"])
def test_each_person_gets_exactly_the_email_rendered_for_them_alone(app, language):
    lab = make_lab_session(capacity=2, format=SessionFormat.HYBRID, location="Room 12 & Library")
    registrations = [make_registration(lab, full_name=name, language=language) for name in NAMES]
    for registration in registrations:
        kinds = [EmailKind.MANAGE_LINK, EmailKind.SESSION_UPDATED if registration.is_confirmed else EmailKind.CANCELLED]
        for kind in kinds:
            prepared = notifications.prepare_registration_email(registration, kind=kind, now=now_utc())
            assert (prepared.subject, prepared.text_body, prepared.html_body) == _own_rendering(registration, kind)
    first = {m.registration_id: m for m in outbox()}
    for registration in registrations:
        kind = EmailKind.CONFIRMED if registration.is_confirmed else EmailKind.WAITLISTED
        extra = {} if registration.is_confirmed else {"position": notifications.PLACE_IN_LINE}
        subject, text_body, html_body = _own_rendering(registration, kind, **extra)
        sent = first[registration.id]
        place = str(registrations.index(registration) - 1)  # two seats: the third person is first in line
        assert sent.subject == subject.replace(notifications.PLACE_IN_LINE, place)
        assert sent.text_body == text_body.replace(notifications.PLACE_IN_LINE, place)
        assert sent.html_body == html_body.replace(notifications.PLACE_IN_LINE, place)


def test_nobody_gets_another_persons_name_or_link(app, client):
    lab = make_lab_session(capacity=1)
    people = [make_registration(lab, full_name=f"Person{n} Surname") for n in range(4)]
    for person, message in zip(people, sorted(outbox(), key=lambda m: m.registration_id), strict=True):
        assert message.to_address == person.email
        assert f"Hello {person.first_name}," in message.text_body
        assert f"Hello {person.first_name}," in message.html_body
        links = set(re.findall(r"/manage/([\w-]+)", message.text_body + message.html_body))
        assert links == {manage_token(person)}
        others = [p for p in people if p is not person]
        assert not any(other.first_name in message.text_body + message.html_body for other in others)
        # The link works, and it is theirs.
        page = client.get(f"/manage/{manage_token(person)}").get_data(as_text=True)
        assert person.full_name in page


def test_an_edit_shows_in_the_next_email(app):
    lab = make_lab_session(title="Listening to families", capacity=5)
    make_registration(lab)
    lab.title = "Listening to students"  # even an edit that skipped the services: every column is in the key
    make_registration(lab)
    subjects = [m.subject.split(" — ")[0] for m in outbox(EmailKind.CONFIRMED.value)]
    assert subjects == ["Confirmed: Listening to families", "Confirmed: Listening to students"]


def test_a_template_reading_the_persons_own_details_is_rendered_for_each(app, monkeypatch):
    lab = make_lab_session(capacity=5)
    real_render = notifications._render

    def render_with_organisation(registration, links, **kwargs):
        subject, text_body, html_body = real_render(registration, links, **kwargs)
        return subject, text_body + registration.organisation, html_body

    monkeypatch.setattr(notifications, "_render", render_with_organisation)
    first = make_registration(lab, organisation="Lincoln Middle School")
    second = make_registration(lab, organisation="Westview High")
    bodies = {m.registration_id: m.text_body for m in outbox(EmailKind.CONFIRMED.value)}
    assert bodies[first.id].endswith("Lincoln Middle School")
    assert bodies[second.id].endswith("Westview High")
