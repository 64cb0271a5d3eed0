"""Property-based: whatever arrives at a public form, the answer is a page with a message, never a 500,
and a refusal writes nothing.

To cover a new public form, add a PublicForm to PUBLIC_FORMS: its URL (built from the Target, which
holds an open session and a registration with its manage token) and the fields with a few valid
values each. Hypothesis mixes valid values with missing fields, arbitrary Unicode, control characters,
repeated fields and huge strings.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from labapp.db import db
from labapp.mail.models import OutboxMessage
from labapp.registrations.links import manage_token
from labapp.registrations.models import Registration
from labapp.sessions.models import LabSession
from tests.factories import make_lab_session, make_registration

FRESH = "{fresh}"  # replaced by a new value on every request, so each valid email registers a new person


def freshen(body: dict) -> dict:
    def fresh(value: object) -> object:
        if isinstance(value, list):
            return [fresh(item) for item in value]
        return value.replace(FRESH, uuid.uuid4().hex[:12]) if isinstance(value, str) else value

    return {name: fresh(value) for name, value in body.items()}


@dataclass(frozen=True)
class Target:
    """What a form's URL can point at."""

    slug: str
    token: str


@dataclass(frozen=True)
class PublicForm:
    name: str
    url: Callable[[Target], str]
    fields: dict[str, list[str]] = field(default_factory=dict)


DETAILS_FIELDS = {
    "full_name": ["Ana Díaz", "O'Brien <b>"],
    "role": ["teacher", "school_leader", "other"],
    "organisation": ["Westview High"],
    "focus_populations": ["english_learners", "disabilities"],
    "accommodations": ["Captions, please."],
    "hopes": ["Listening better.\nAnd acting on it."],
}

PUBLIC_FORMS = [
    PublicForm(
        "registration",
        lambda t: f"/sessions/{t.slug}/register",
        {**DETAILS_FIELDS, "email": [f"{FRESH}@example.edu", f"{FRESH}@Example.EDU"], "consent": ["y"]},
    ),
    PublicForm("manage update", lambda t: f"/manage/{t.token}", DETAILS_FIELDS),
    PublicForm("cancel", lambda t: f"/manage/{t.token}/cancel", {"confirm": ["y"]}),
    PublicForm(
        "resend link", lambda t: f"/sessions/{t.slug}/resend-link", {"email": ["ana@example.edu", "Nobody@example.edu"]}
    ),
    PublicForm(
        "pre-work answers", lambda t: f"/manage/{t.token}/prework",
        {"answer-norms-for-listening-1": ["I rush to fix things."], "answer-looking-back-1": ["A phone call home."]},
    ),
    PublicForm("take the open seat", lambda t: f"/manage/{t.token}/take-seat", {"confirm": ["y"]}),
    PublicForm("learning record", lambda t: "/my-record", {"email": ["ana@example.edu", "nobody@example.edu"]}),
    PublicForm("sign in", lambda t: "/account/login",
               {"email": ["ana@example.edu", "facilitator@example.org"], "password": ["wrong password here"]}),
    PublicForm("password reset", lambda t: "/account/reset", {"email": ["facilitator@example.org"]}),
]

ANY_TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=300)  # Cs: lone surrogates cannot be sent
CONTROLS = "\x00\x01\x08\x0b\x0c\x1b\x7f\x85\x9f\u2028\u202e\ufeff\r\n\t"
CONTROL_TEXT = st.text(st.sampled_from(CONTROLS), min_size=1, max_size=5)
HUGE_TEXT = st.builds(lambda ch, n: ch * n, st.characters(exclude_categories=["Cs"]), st.integers(1_001, 1_100_000))
# A message the person can read: a form error summary, a flashed error, or the site's error page.
MESSAGE_MARKERS = ("data-error-summary", "flash-error", 'class="muted">Error 4')


def hostile_values(valid: list[str]) -> st.SearchStrategy:
    """Missing, junk, a valid value with control characters in it, huge, or repeated."""
    spoiled_valid = st.builds(lambda good, junk, at: good[:at] + junk + good[at:], st.sampled_from(valid), CONTROL_TEXT,
                              st.integers(0, 20))
    one = st.one_of(spoiled_valid, ANY_TEXT, spoiled_valid, CONTROL_TEXT, HUGE_TEXT)
    repeated = st.lists(st.one_of(st.sampled_from(valid), one), min_size=2, max_size=3)
    return st.one_of(one, st.none(), one, repeated)


def form_bodies(form: PublicForm) -> st.SearchStrategy[dict]:
    """A valid body with one or more fields spoiled, so the bad value reaches the code past validation."""
    valid = st.fixed_dictionaries({name: st.sampled_from(values) for name, values in form.fields.items()})
    spoiled = st.lists(st.sampled_from(sorted(form.fields)), min_size=1, max_size=2, unique=True).flatmap(
        lambda names: st.fixed_dictionaries({name: hostile_values(form.fields[name]) for name in names})
    )
    extra = st.dictionaries(ANY_TEXT.filter(bool), ANY_TEXT, max_size=2)  # unknown fields are ignored

    def build(base: dict, changes: dict, unknown: dict) -> dict:
        body = {**unknown, **base}
        for name, value in changes.items():
            body.pop(name)
            if value is not None:  # None: the field is missing
                body[name] = value
        return body

    return st.builds(build, valid, spoiled, extra)


def snapshot() -> tuple:
    """Every row a public form could write, as plain values."""
    db.session.expire_all()
    registrations = db.session.execute(select(Registration.__table__).order_by(Registration.id)).all()
    outbox = db.session.scalar(select(func.count()).select_from(OutboxMessage))
    sessions = db.session.execute(select(LabSession.__table__).order_by(LabSession.id)).all()
    return tuple(map(tuple, registrations)), outbox, tuple(map(tuple, sessions))


@pytest.mark.parametrize("form", PUBLIC_FORMS, ids=lambda form: form.name)
def test_hostile_input_gets_a_message_never_a_500_or_a_partial_write(app, form):
    lab = make_lab_session(capacity=3)
    registration = make_registration(lab, email="ana@example.edu")
    make_registration(lab)
    target = Target(slug=lab.slug, token=manage_token(registration))
    client = app.test_client()

    @settings(
        max_examples=40,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(body=form_bodies(form))
    def check(body: dict) -> None:
        before = snapshot()
        response = client.post(form.url(target), data=freshen(body))
        assert response.status_code < 500
        if response.status_code >= 400:
            page = response.get_data(as_text=True)
            assert any(marker in page for marker in MESSAGE_MARKERS), page[:500]
            assert snapshot() == before, "a refused request wrote something"

    check()


def test_invisible_control_characters_are_dropped_from_what_people_type(client):
    lab = make_lab_session()
    form = {"full_name": "Ana\x00 D\x1bíaz", "email": "ana\x00@example.edu", "role": "teacher",
            "organisation": "West\x7fview", "hopes": "Line one\nline\x00 two", "consent": "y"}
    assert client.post(f"/sessions/{lab.slug}/register", data=form).status_code == 302
    registration = db.session.scalar(select(Registration))
    assert (registration.full_name, registration.email) == ("Ana Díaz", "ana@example.edu")
    assert (registration.organisation, registration.hopes) == ("Westview", "Line one\nline two")
