"""A registration stays cheap: a small, fixed number of SQL statements, whoever registered before."""

from __future__ import annotations

import pytest

from tests.factories import make_lab_session, make_registration, registration_form
from tests.helpers import count_queries, outbox

# Find the session and any earlier registration of this person in one statement; then, on
# PostgreSQL, one more (registrations/claim.py) locks the session row (it carries the seat counts),
# checks the forecast and inserts the registration and its email. SQLite takes four: its stand-in
# for the row lock (a no-op UPDATE), the lock's SELECT, and the two INSERTs.
STATEMENTS = {"postgresql": 2, "sqlite": 5}
# A repeat registration changes no seat: find, load the earlier registration, insert the email.
REPEAT_STATEMENTS = 3


def _budget(backend: str) -> int:
    return STATEMENTS[backend]


def _post(client, lab, **fields):
    url, form = f"/sessions/{lab.slug}/register", registration_form(**fields)
    with count_queries() as counter:
        response = client.post(url, data=form)
    assert response.status_code == 302
    return counter


@pytest.mark.parametrize("already_registered", [0, 25])
def test_a_confirmed_registration_makes_two_statements_however_many_came_before(client, backend,
                                                                                 already_registered):
    lab = make_lab_session(capacity=100)
    for _ in range(already_registered):
        make_registration(lab)
    counter = _post(client, lab)
    assert counter.count == _budget(backend), counter.statements
    assert outbox()[-1].kind == "registration_confirmed"


def test_joining_the_waitlist_costs_no_extra_statement_and_still_tells_the_place_in_line(client, backend):
    lab = make_lab_session(capacity=1)
    make_registration(lab)
    make_registration(lab)
    counter = _post(client, lab)
    assert counter.count == _budget(backend), counter.statements
    assert "number 2 in line" in outbox()[-1].text_body


def test_registering_twice_resends_the_link_without_locking_the_session(client):
    lab = make_lab_session()
    _post(client, lab, email="maya@example.edu")
    counter = _post(client, lab, email="MAYA@example.edu")
    assert counter.count == REPEAT_STATEMENTS, counter.statements
    assert not any("FOR UPDATE" in statement or statement.startswith("UPDATE") for statement in counter.statements)
    assert outbox()[-1].kind == "registration_manage_link"


def test_registering_never_queries_the_facilitators(client):
    lab = make_lab_session()
    counter = _post(client, lab)
    assert not any("session_facilitators" in statement for statement in counter.statements)
