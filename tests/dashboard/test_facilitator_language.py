"""Each facilitator's chosen language: the dashboard and account pages speak it; CSV and other people do not change."""

from __future__ import annotations

import re

from babel.dates import format_date

from labapp.accounts.models import User
from labapp.clock import utcnow
from labapp.db import db
from labapp.registrations.roster import EXPORT_COLUMNS
from tests.factories import make_admin, make_registration, make_user
from tests.helpers import login


def _lang(html: str) -> str:
    match = re.search(r'<html lang="([^"]+)"', html)
    assert match, html[:200]
    return match.group(1)


def _page(client, path: str, **kwargs) -> str:
    response = client.get(path, **kwargs)
    assert response.status_code == 200, (path, response.status_code)
    return response.get_data(as_text=True)


def _choose(client, language: str):
    return client.post("/account/language", data={"language": language})


def test_a_facilitator_who_chose_spanish_sees_the_dashboard_in_spanish(signed_in, lab):
    make_registration(lab, full_name="Ana Ruiz")
    response = _choose(signed_in, "es")
    assert response.status_code == 302
    account = _page(signed_in, "/account/")
    assert _lang(account) == "es" and "Guardamos tu idioma." in account and "Tu cuenta" in account
    # An English browser does not matter: the facilitator's setting does.
    english_browser = {"headers": {"Accept-Language": "en-US,en;q=0.9"}}
    overview = _page(signed_in, "/dashboard", **english_browser)
    assert _lang(overview) == "es"
    assert "<h1>Panel</h1>" in overview and "Próximas sesiones" in overview and "Nueva sesión" in overview
    assert "Upcoming sessions" not in overview
    today = utcnow().date()
    assert f'text-anchor="end">{format_date(today, "d MMM", locale="es")}</text>' in overview  # the chart's last day
    roster = _page(signed_in, f"/dashboard/sessions/{lab.id}/roster", **english_browser)
    assert _lang(roster) == "es"
    assert "Lista de participantes" in roster and "Registrar asistencia" in roster and "Ana Ruiz" in roster
    assert "Check in" not in roster
    form = _page(signed_in, "/dashboard/sessions/new", **english_browser)
    assert _lang(form) == "es"
    assert "Título" in form and "Zona horaria" in form and "Crear borrador" in form and "En línea" in form


def test_another_facilitator_stays_in_english(app, signed_in, lab):
    _choose(signed_in, "es")
    colleague = app.test_client()
    login(colleague, make_user(name="Eli English"))
    overview = _page(colleague, "/dashboard")
    assert _lang(overview) == "en" and "Upcoming sessions" in overview and "Próximas sesiones" not in overview


def test_the_choice_is_kept_after_signing_out_and_in_again(client, facilitator):
    login(client, facilitator)
    _choose(client, "es")
    client.post("/account/logout")
    db.session.expire_all()
    assert db.session.get(User, facilitator.id).language == "es"
    login(client, facilitator)
    assert _lang(_page(client, "/dashboard")) == "es"
    # And back to English the same way.
    _choose(client, "en")
    overview = _page(client, "/dashboard", headers={"Accept-Language": "es"})
    assert _lang(overview) == "en" and "Upcoming sessions" in overview


def test_lang_in_the_address_shows_one_page_in_the_other_language(signed_in):
    _choose(signed_in, "es")
    assert _lang(_page(signed_in, "/dashboard?lang=en")) == "en"
    # The setting, not the switch's cookie, decides the next dashboard page.
    assert _lang(_page(signed_in, "/dashboard")) == "es"


def test_a_language_the_site_does_not_speak_is_refused(signed_in):
    response = _choose(signed_in, "fr")
    assert response.status_code == 400
    assert "data-error-summary" in response.get_data(as_text=True)
    assert _lang(_page(signed_in, "/dashboard")) == "en"


def test_csv_column_names_stay_english_for_a_spanish_facilitator(signed_in, lab):
    make_registration(lab, full_name="Ana Ruiz")
    _choose(signed_in, "es")
    text = signed_in.get(f"/dashboard/sessions/{lab.id}/export.csv").get_data(as_text=True)
    header = text.lstrip("\ufeff").splitlines()[0]
    assert header == ",".join(name for name, _ in EXPORT_COLUMNS)
    assert "confirmed" in text  # values scripts read stay English too


def test_dashboard_form_errors_are_in_spanish(signed_in):
    _choose(signed_in, "es")
    response = signed_in.post("/dashboard/sessions/new", data={"title": "", "timezone": "America/Chicago",
                                                               "duration_minutes": "5", "capacity": "12",
                                                               "format": "online"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Ponle un título a la sesión." in html
    assert "La duración debe estar entre 15 minutos y 8 horas." in html
    assert "Please give the session a title." not in html


def test_a_rule_the_service_enforces_is_explained_in_spanish(signed_in, lab):
    for _ in range(3):
        make_registration(lab)
    _choose(signed_in, "es")
    response = signed_in.post(f"/dashboard/sessions/{lab.id}/edit", data={
        "title": lab.title, "starts_at": lab.local_starts_at.strftime("%Y-%m-%dT%H:%M"), "timezone": lab.timezone,
        "duration_minutes": "90", "capacity": "2", "format": "online", "join_url": "https://meet.example.org/x"})
    assert response.status_code == 400
    assert "3 personas ya tienen plaza, así que el cupo no puede bajar de 3." in response.get_data(as_text=True)


def test_roster_actions_are_confirmed_in_spanish(signed_in, lab):
    person = make_registration(lab, full_name="Ana Ruiz")
    _choose(signed_in, "es")
    response = signed_in.post(f"/dashboard/sessions/{lab.id}/registrations/{person.id}/check-in",
                              follow_redirects=True)
    assert "Se registró la asistencia de Ana Ruiz." in response.get_data(as_text=True)


def test_the_login_page_follows_the_visitors_language(client):
    spanish = {"headers": {"Accept-Language": "es-US,es;q=0.9"}}
    response = client.get("/dashboard", **spanish)
    assert response.status_code == 302
    login_page = client.get(response.headers["Location"], **spanish).get_data(as_text=True)
    assert _lang(login_page) == "es"
    assert "Iniciar sesión" in login_page and "¿Olvidaste tu contraseña?" in login_page
    assert "Inicia sesión para abrir el área de facilitadores." in login_page
    wrong = client.post("/account/login", data={"email": "nobody@example.org", "password": "x" * 12}, **spanish)
    assert wrong.status_code == 400
    assert "Ese correo y esa contraseña no coinciden con ninguna cuenta." in wrong.get_data(as_text=True)
    english = client.get("/account/login?lang=en").get_data(as_text=True)
    assert _lang(english) == "en" and "Forgot your password?" in english


def test_an_admin_reads_the_reach_report_in_spanish_and_its_csv_stays_english(client):
    login(client, make_admin())
    _choose(client, "es")
    page = _page(client, "/dashboard/reach")
    assert "Informe de alcance" in page and "Sesiones realizadas" in page
    csv_text = client.get("/dashboard/reach.csv").get_data(as_text=True)
    assert "sessions_held" in csv_text and "Sesiones" not in csv_text
