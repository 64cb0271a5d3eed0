"""The public pages in Spanish: chosen by the browser, the switch or ?lang=; English stays English."""

from __future__ import annotations

import re
from datetime import timedelta

from labapp.registrations.links import manage_token
from tests.factories import make_lab_session, make_registration, now_utc, registration_form

SPANISH = {"Accept-Language": "es-US,es;q=0.9"}
ENGLISH = {"Accept-Language": "en-US,en;q=0.9"}


def _lang(html: str) -> str:
    match = re.search(r'<html lang="([^"]+)"', html)
    assert match, html[:200]
    return match.group(1)


def _title(html: str) -> str:
    match = re.search(r"<title>(.*?)</title>", html, re.S)
    assert match, html[:200]
    return match.group(1)


def test_the_browser_header_gives_spanish_pages_with_spanish_titles_and_frame(client):
    html = client.get("/privacy", headers=SPANISH).get_data(as_text=True)
    assert _lang(html) == "es"
    assert _title(html).startswith("Privacidad · ")
    assert "<h1>Cómo cuidamos tu información</h1>" in html
    assert "<strong>30 días</strong> después de que termine tu sesión" in html
    assert ">Saltar al contenido principal</a>" in html
    assert 'aria-label="Principal"' in html and ">Sesiones</a>" in html
    assert 'content="Qué guardan los Conversation Labs sobre ti' in html
    assert "How we handle your information" not in html


def test_the_english_page_stays_english(client):
    html = client.get("/privacy", headers=ENGLISH).get_data(as_text=True)
    assert _lang(html) == "en"
    assert _title(html).startswith("Privacy · ")
    assert "<h1>How we handle your information</h1>" in html
    assert "<strong>30 days</strong> after your session ends, we erase" in html
    assert "Cómo cuidamos" not in html and "Saltar" not in html


def test_the_switch_link_turns_the_site_spanish_and_it_stays_so_on_the_next_pages(client):
    english = client.get("/my-record", headers=ENGLISH).get_data(as_text=True)
    switch = english.split('class="language-switch"')[1].split("</nav>")[0]
    href = re.search(r'href="([^"]+)" hreflang="es"', switch).group(1)
    assert href == "/my-record?lang=es"
    assert "<h1>Tu historial de desarrollo profesional</h1>" in client.get(href, headers=ENGLISH).get_data(as_text=True)
    # Remembered: other pages, with an English browser and no parameter, are Spanish too.
    privacy = client.get("/privacy", headers=ENGLISH).get_data(as_text=True)
    assert _lang(privacy) == "es" and "Cómo cuidamos tu información" in privacy
    assert "Página no encontrada" not in privacy
    missing = client.get("/sessions/no-such-session", headers=ENGLISH)
    assert missing.status_code == 404 and _lang(missing.get_data(as_text=True)) == "es"
    # And back.
    assert "How we handle your information" in client.get("/privacy?lang=en").get_data(as_text=True)
    assert _lang(client.get("/my-record", headers=SPANISH).get_data(as_text=True)) == "en"


def test_lang_parameter_on_a_manage_link_gives_the_spanish_manage_page(client):
    registration = make_registration(make_lab_session(), role="family_or_community")
    html = client.get(f"/manage/{manage_token(registration)}?lang=es", headers=ENGLISH).get_data(as_text=True)
    assert _lang(html) == "es"
    assert _title(html).startswith("Tu inscripción · ")
    assert "Tu plaza en esta sesión está confirmada." in html
    assert "Te enviaremos un recordatorio por correo 24 horas antes y 1 hora antes de que empiece." in html
    family = re.search(
        r'<label><input[^>]*value="family_or_community"[^>]*> Familia o miembro de la comunidad</label>', html)
    assert family and "checked" in family.group(0)
    assert ">Borrar mis datos</a>" in html and ">Agregar a Google Calendar</a>" in html


def test_the_english_manage_page_says_the_reminders_as_before(client):
    registration = make_registration(make_lab_session())
    html = client.get(f"/manage/{manage_token(registration)}", headers=ENGLISH).get_data(as_text=True)
    assert "We'll remind you by email 24 hours before and 1 hour before it starts." in html
    assert "You're confirmed for this session." in html


def test_the_spanish_registration_form_has_spanish_labels(client):
    lab = make_lab_session()
    html = client.get(f"/sessions/{lab.slug}", headers=SPANISH).get_data(as_text=True)
    assert "Nombre completo" in html and "Escuela u organización" in html
    assert "Familia o miembro de la comunidad" in html
    assert "Acepto recibir correos sobre esta sesión (confirmación, cambios y recordatorios)." in html
    assert "(obligatorio)" in html


def test_bad_input_in_spanish_gets_spanish_errors(client):
    lab = make_lab_session()
    response = client.post(f"/sessions/{lab.slug}/register?lang=es",
                           data=registration_form(full_name="", organisation="", consent=None))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert _lang(html) == "es"
    assert "Corrige estos puntos para continuar" in html
    assert "Escribe tu nombre." in html
    assert "Dinos tu escuela u organización." in html
    assert "Acepta recibir correos sobre esta sesión para que podamos confirmar tu plaza." in html
    assert '<span class="visually-hidden">Error:</span>' in html
    assert "Please enter your name." not in html


def test_one_english_error_is_still_this_not_these(client):
    lab = make_lab_session()
    html = client.post(f"/sessions/{lab.slug}/register", data=registration_form(full_name=""),
                       headers=ENGLISH).get_data(as_text=True)
    assert "Please fix this to continue" in html and "Please enter your name." in html


def test_a_refusal_from_the_rules_is_told_in_the_page_language(client):
    before = now_utc() - timedelta(days=10)
    lab = make_lab_session(now=before, starts_at=now_utc() - timedelta(days=1))
    token = manage_token(make_registration(lab, now=before))
    html = client.post(f"/manage/{token}/cancel?lang=es", follow_redirects=True).get_data(as_text=True)
    assert "Esta sesión ya terminó, así que ya no se puede cancelar." in html


def test_a_flash_message_is_in_spanish(client):
    token = manage_token(make_registration(make_lab_session()))
    html = client.post(f"/manage/{token}/cancel", headers=SPANISH, follow_redirects=True).get_data(as_text=True)
    assert "Tu inscripción está cancelada. Te enviamos una confirmación." in html
    assert "Esta inscripción está cancelada." in html


def test_the_404_page_in_spanish(client):
    response = client.get("/no-such-page", headers=SPANISH)
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert _lang(html) == "es"
    assert _title(html).startswith("No encontramos la página · ")
    assert "<h1>No encontramos la página</h1>" in html
    assert "Es posible que la página se haya movido" in html
    assert "Error 404" in html and ">Ver las próximas sesiones</a>" in html


def test_the_english_404_page_is_unchanged(client):
    html = client.get("/no-such-page").get_data(as_text=True)
    assert "<h1>Page not found</h1>" in html and "The page may have moved" in html
    assert ">See upcoming sessions</a>" in html


def test_other_error_pages_speak_spanish_too(client):
    too_big = client.post("/my-record?lang=es", data={"email": "x" * (1024 * 1024 + 10)})
    assert too_big.status_code == 413
    html = too_big.get_data(as_text=True)
    assert _lang(html) == "es" and "Era demasiado para enviar" in html
    expired = client.get("/my-record/not-a-token", headers=SPANISH)
    assert expired.status_code in (404, 410)
    assert _lang(expired.get_data(as_text=True)) == "es"


def test_seats_left_and_a_bad_address_are_said_in_spanish(client):
    lab = make_lab_session(capacity=3)
    assert "Quedan 3 plazas" in client.get("/?lang=es").get_data(as_text=True)
    assert "3 seats left" in client.get("/?lang=en").get_data(as_text=True)
    make_registration(lab)
    make_registration(lab)
    assert "Queda 1 plaza" in client.get(f"/sessions/{lab.slug}?lang=es").get_data(as_text=True)
    html = client.post(f"/sessions/{lab.slug}/register?lang=es",
                       data=registration_form(email="not-an-address")).get_data(as_text=True)
    assert "Escribe un correo electrónico válido, como nombre@escuela.org." in html


def test_reminder_times_are_worded_in_the_language_being_rendered(app):
    from flask_babel import force_locale

    from labapp.sessions.reminder_offsets import describe_offset

    offsets = [timedelta(days=2), timedelta(hours=24), timedelta(hours=1), timedelta(minutes=90), timedelta(seconds=45)]
    assert [describe_offset(o) for o in offsets] == [
        "2 days before", "24 hours before", "1 hour before", "90 minutes before", "45 seconds before"]
    with app.test_request_context("/?lang=es"), force_locale("es"):
        assert [describe_offset(o) for o in offsets] == [
            "2 días antes", "24 horas antes", "1 hora antes", "90 minutos antes", "45 segundos antes"]


def test_the_session_page_heads_its_form_as_an_invitation_and_its_button_as_an_action(client):
    lab = make_lab_session(capacity=5)
    spanish = client.get(f"/sessions/{lab.slug}", headers=SPANISH).get_data(as_text=True)
    assert '<h2 id="register-title">Inscríbete en esta sesión</h2>' in spanish
    assert re.search(r'<button type="submit"[^>]*>Inscribirme</button>', spanish)
    english = client.get(f"/sessions/{lab.slug}?lang=en").get_data(as_text=True)
    assert '<h2 id="register-title">Register for this session</h2>' in english
    assert re.search(r'<button type="submit"[^>]*>Register</button>', english)
