"""Every email is in the language the person registered in (or chose later), over real SMTP, on both databases."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar

from labapp.db import db
from labapp.mail.deliver import deliver_pending
from labapp.mail.kinds import EmailKind
from labapp.registrations.links import manage_token
from labapp.registrations.models import Registration
from labapp.registrations.services import cancel_registration
from labapp.worker import run_pass
from tests.factories import make_lab_session, make_registration, registration_form
from tests.helpers import resolve_mail_requests
from tests.mail.every_email import every_email
from tests.mail.support import body_text, invite_of

NOW = datetime(2029, 12, 20, 15, 0, tzinfo=UTC)
START = datetime(2030, 1, 10, 21, 0, tzinfo=UTC)  # Thursday 4:00 PM EST
HOUR = timedelta(hours=1)

# What each Spanish subject begins with (the facilitator's message has the facilitator's own subject).
SPANISH_SUBJECTS = {
    EmailKind.CONFIRMED: "Confirmado: ",
    EmailKind.WAITLISTED: "Lista de espera: ",
    EmailKind.PROMOTED: "Tienes plaza: ",
    EmailKind.CANCELLED: "Cancelado: ",
    EmailKind.SESSION_CANCELLED: "Cancelado: ",
    EmailKind.SESSION_UPDATED: "Actualizado: ",
    EmailKind.REMINDER: "Recordatorio: ",
    EmailKind.SEAT_OPEN: "Plaza disponible: ",
    EmailKind.FOLLOW_UP: "Gracias: ",
    EmailKind.CERTIFICATE: "Certificado de participación: ",
    EmailKind.MANAGE_LINK: "Tu enlace: ",
    EmailKind.RECORD_LINK: "Tu historial de desarrollo profesional",
}
# Our own English framing: none of it may be left in a Spanish email (titles and facilitators' words may be English).
ENGLISH_LEFTOVERS = re.compile(
    r"Hello|Please don't forward|When:|Where:|calendar invite|waitlist|"
    r"Your (private|registration|certificate|link|notes)|Can't make it|Thank you|starts (in|today|tomorrow)| [AP]M\b|"
    r"\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun), |facilitator of|If you didn't|Stop these|Online\b"
)


@pytest.fixture
def clock(app):
    app.config["CLOCK"] = lambda: NOW
    return NOW


def _register(client, lab, email: str, **request) -> Registration:
    response = client.post(f"/sessions/{lab.slug}/register", data=registration_form(email=email), **request)
    assert response.status_code == 302
    return db.session.query(Registration).filter_by(email=email).one()


def test_a_spanish_registration_gets_a_spanish_confirmation_and_an_english_one_stays_english(client, smtp, clock):
    lab = make_lab_session(now=NOW, starts_at=START, title="Familias y escuelas")
    spanish = _register(client, lab, "ana@example.edu", query_string={"lang": "es"})
    english = _register(client.application.test_client(), lab, "bob@example.edu")
    deliver_pending(now=NOW)

    [message] = smtp.to("ana@example.edu")
    assert spanish.language == "es"
    assert str(message["Subject"]) == "Confirmado: Familias y escuelas — jue, 10 ene · 16:00–17:30 EST"
    assert message["Content-Language"] == "es"
    html, text = body_text(message, "html"), body_text(message, "plain")
    assert '<html lang="es">' in html
    assert "Tu plaza está confirmada en Familias y escuelas." in text and "Cuándo: jue, 10 ene" in text
    assert "Cambia o cancela tu inscripción</a> con tu enlace privado." in html
    assert not ENGLISH_LEFTOVERS.search(text) and not ENGLISH_LEFTOVERS.search(html)
    [event] = invite_of(message).events
    assert str(event["SUMMARY"]) == "Familias y escuelas"
    assert "Tu inscripción (cambiar o cancelar): " in str(event["DESCRIPTION"])
    assert "Unirte en línea: https://meet.example.org/lab" in str(event["DESCRIPTION"])

    [message] = smtp.to("bob@example.edu")
    assert english.language == "en"
    assert str(message["Subject"]) == "Confirmed: Familias y escuelas — Thu, Jan 10 · 4:00–5:30 PM EST"
    assert message["Content-Language"] == "en" and '<html lang="en">' in body_text(message, "html")
    assert "Your registration (update or cancel): " in str(invite_of(message).events[0]["DESCRIPTION"])


def test_the_browsers_language_is_the_registrations_language(client, smtp, clock):
    lab = make_lab_session(now=NOW, starts_at=START)
    registration = _register(client, lab, "maria@example.edu", headers={"Accept-Language": "es-MX,es;q=0.9"})
    deliver_pending(now=NOW)
    assert registration.language == "es"
    assert str(smtp.to("maria@example.edu")[0]["Subject"]).startswith("Confirmado: ")


def test_reminders_come_in_each_persons_language(app, smtp):
    lab = make_lab_session(now=NOW, starts_at=START, title="Listening Lab")
    spanish = make_registration(lab, now=NOW, language="es").email
    english = make_registration(lab, now=NOW).email
    for moment in (START - 24 * HOUR, START - HOUR):
        run_pass(now=moment)

    reminders = [m for m in smtp.to(spanish) if not str(m["Subject"]).startswith("Confirmado")]
    assert [str(m["Subject"]) for m in reminders] == [
        "Recordatorio: Listening Lab — empieza mañana a las 16:00 EST",
        "Recordatorio: Listening Lab — empieza en 1 hora (16:00 EST)",
    ]
    text = body_text(reminders[0], "plain")
    assert reminders[0]["Content-Language"] == "es" and "Qué traer:" in text and "Cuándo: jue, 10 ene" in text
    assert not ENGLISH_LEFTOVERS.search(text) and not ENGLISH_LEFTOVERS.search(body_text(reminders[0], "html"))
    assert [str(m["Subject"]) for m in smtp.to(english) if str(m["Subject"]).startswith("Reminder:")] == [
        "Reminder: Listening Lab — starts tomorrow at 4:00 PM EST",
        "Reminder: Listening Lab — starts in 1 hour (4:00 PM EST)",
    ]


def test_changing_the_language_on_the_manage_page_switches_later_emails(client, smtp, clock):
    lab = make_lab_session(now=NOW, starts_at=START, title="Listening Lab")
    registration = make_registration(lab, now=NOW)
    token = manage_token(registration)
    page = client.get(f"/manage/{token}").get_data(as_text=True)
    assert "Language for emails" in page and re.search(r'<input checked [^>]*value="en"', page)

    response = client.post(f"/manage/{token}/language", data={"language": "es"})
    assert response.status_code == 302
    page = client.get(f"/manage/{token}").get_data(as_text=True)
    assert "write to you in Español from now on." in page
    cancel_registration(registration_id=registration.id, now=NOW)
    deliver_pending(now=NOW)

    subjects = [str(m["Subject"]) for m in smtp.to(registration.email)]
    assert subjects == [
        "Confirmed: Listening Lab — Thu, Jan 10 · 4:00–5:30 PM EST",
        "Cancelado: Listening Lab — jue, 10 ene · 16:00–17:30 EST",
    ]
    data = client.get(f"/manage/{token}/my-data.json").get_json(force=True)
    assert data["registrations"][0]["language"] == "es"


def test_a_language_the_site_does_not_speak_is_refused(client, clock):
    registration = make_registration(make_lab_session(now=NOW, starts_at=START), now=NOW)
    response = client.post(f"/manage/{manage_token(registration)}/language", data={"language": "fr"})
    assert response.status_code == 400
    assert 'class="field-error" id="language-error"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Registration, registration.id).language == "en"


def test_every_kind_of_email_to_a_spanish_speaker_is_spanish(app, smtp):
    messages = every_email(smtp, now=NOW, language="es")
    for kind, message in messages.items():
        if kind == EmailKind.PASSWORD_RESET:
            # The account's language decides (English until accounts have one), not the page's.
            assert message["Content-Language"] == "en" and str(message["Subject"]).startswith("Reset your")
            continue
        subject = str(message["Subject"])
        assert subject.startswith(SPANISH_SUBJECTS.get(EmailKind(kind), "Before we meet")), (kind, subject)
        assert message["Content-Language"] == "es", kind
        html, text = body_text(message, "html"), body_text(message, "plain")
        assert '<html lang="es">' in html, kind
        for body in (subject, text, html):
            leftover = ENGLISH_LEFTOVERS.search(body)
            assert leftover is None, (kind, leftover and leftover.group(0))


def test_the_record_link_asked_for_on_a_spanish_page_is_in_spanish(client, smtp, clock):
    email = make_registration(make_lab_session(now=NOW, starts_at=START), now=NOW).email
    response = client.post("/my-record?lang=es", data={"email": email})
    assert response.status_code == 302
    resolve_mail_requests(now=NOW)
    deliver_pending(now=NOW)
    [message] = [m for m in smtp.to(email) if not str(m["Subject"]).startswith("Confirmed")]
    assert str(message["Subject"]) == "Tu historial de desarrollo profesional"
    assert message["Content-Language"] == "es"


def test_the_public_feed_speaks_the_readers_language(client, clock):
    lab = make_lab_session(now=NOW, starts_at=START, title="Familias y escuelas")
    feed = Calendar.from_ical(client.get("/sessions.ics?lang=es").get_data(as_text=True))
    [event] = [e for e in feed.events if str(e["SUMMARY"]) == lab.title]
    assert "Detalles e inscripción: " in str(event["DESCRIPTION"]) and str(event["LOCATION"]) == "En línea"
