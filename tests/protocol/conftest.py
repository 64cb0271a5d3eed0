"""Fixtures for protocol tests: signing in, and putting the shipped protocol back after edits."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from flask import g
from flask.testing import FlaskClient
from sqlalchemy import delete, insert, select

from labapp.accounts.models import User
from labapp.db import db
from labapp.protocol.models import ProtocolComponent, ProtocolComponentTranslation, SessionAgendaItem
from labapp.protocol.seed_content import component_rows
from labapp.protocol.seed_content_es import translation_rows


@pytest.fixture
def sign_in(client: FlaskClient) -> Callable[[User], FlaskClient]:
    """Sign a user in on the test client (the sign-in page is another branch's work)."""

    def _sign_in(user: User) -> FlaskClient:
        with client.session_transaction() as sess:
            sess["_user_id"] = user.get_id()  # the session token, not the id
            sess["_fresh"] = True
        # The app fixture keeps one app context for the whole test, so Flask-Login's per-request
        # cache of the user lives on in `g`; drop it so the next request loads the new user.
        g.pop("_login_user", None)
        return client

    return _sign_in


@pytest.fixture
def restore_protocol(app) -> Iterator[None]:
    """For tests that edit the protocol: the tables survive between tests, so put the seed back."""
    yield
    db.session.remove()
    with db.engine.begin() as connection:
        connection.execute(delete(SessionAgendaItem))
        connection.execute(delete(ProtocolComponentTranslation))
        connection.execute(delete(ProtocolComponent))
        connection.execute(insert(ProtocolComponent), component_rows())
        ids = dict(connection.execute(select(ProtocolComponent.slug, ProtocolComponent.id)).all())
        connection.execute(insert(ProtocolComponentTranslation), [
            {**{k: v for k, v in row.items() if k != "slug"}, "component_id": ids[row["slug"]]}
            for row in translation_rows()
        ])
