"""The pages people see when something stops them, in Spanish: too many tries (429) and our own failure (500)."""

from __future__ import annotations

import pytest

from labapp import create_app
from tests.factories import make_lab_session, registration_form

SPANISH = {"Accept-Language": "es-MX,es;q=0.9"}


@pytest.fixture
def app_config() -> dict:
    return {"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://"}


def test_too_many_tries_is_answered_in_spanish_with_a_way_onwards(app):
    lab = make_lab_session(capacity=50)
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "10.9.8.7"
    statuses = [client.post(f"/sessions/{lab.slug}/register", data=registration_form(), headers=SPANISH).status_code
                for _ in range(11)]
    assert statuses == [302] * 10 + [429]
    response = client.post(f"/sessions/{lab.slug}/register", data=registration_form(), headers=SPANISH)
    page = response.get_data(as_text=True)
    assert response.status_code == 429 and '<html lang="es"' in page
    assert "Demasiados intentos" in page
    assert "Enviaste este formulario muchas veces en poco tiempo. Espera un minuto e inténtalo de nuevo." in page
    assert "Ver las próximas sesiones" in page
    assert "Too many tries" not in page


def test_our_own_failure_is_explained_in_spanish_with_its_reference():
    def boom() -> str:
        raise ZeroDivisionError("deliberate")

    app = create_app("testing", TESTING=False, SQLALCHEMY_DATABASE_URI="sqlite://")  # as in production
    app.add_url_rule("/boom-for-test", "boom_for_test", boom)
    response = app.test_client().get("/boom-for-test", headers={**SPANISH, "X-Request-ID": "ref-es-500"})
    page = response.get_data(as_text=True)
    assert response.status_code == 500 and '<html lang="es"' in page
    assert "Algo falló de nuestro lado" in page
    assert "Quedó registrado. Vuelve a intentarlo en un momento." in page
    assert "ref-es-500" in page
    assert "Something went wrong" not in page
