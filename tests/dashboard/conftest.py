"""Dashboard fixtures: a facilitator signed in, with one session of their own."""

from __future__ import annotations

import pytest

from tests.factories import make_lab_session, make_user
from tests.helpers import login


@pytest.fixture
def facilitator(app):
    return make_user(name="Fran Facilitator")


@pytest.fixture
def lab(facilitator):
    return make_lab_session(title="Listening to Families", facilitators=[facilitator], capacity=3)


@pytest.fixture
def signed_in(client, facilitator):
    login(client, facilitator)
    return client


@pytest.fixture
def app_config():
    # Flask-Mail suppresses sending when app.testing; the `smtp` fixture's real server must receive mail.
    return {"MAIL_SUPPRESS_SEND": False}
