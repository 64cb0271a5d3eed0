"""Property-based, like tests/core/test_hostile_input.py: whatever reaches the feedback form, a message, no 500,
and a refusal writes nothing."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from sqlalchemy import select

from labapp.db import db
from labapp.feedback.models import FeedbackResponse
from tests.core.test_hostile_input import MESSAGE_MARKERS, PublicForm, form_bodies, freshen, snapshot
from tests.feedback.support import came, ended_lab, feedback_path

FEEDBACK_FORM = PublicForm("feedback", lambda t: "", {
    "usefulness": ["1", "3", "5"],
    "commitment": ["Call two families.", "Ask <b>students</b> first."],
    "focus_populations": ["english_learners", "newcomers"],
    "suggestion": ["", "Shorter intro."],
})


def _responses() -> tuple:
    db.session.expire_all()
    return tuple(map(tuple, db.session.execute(select(FeedbackResponse.__table__).order_by(FeedbackResponse.id))))


@pytest.mark.parametrize("answered_before", [False, True], ids=["first answer", "editing"])
def test_hostile_feedback_gets_a_message_never_a_500_or_a_partial_write(app, answered_before):
    person = came(ended_lab())
    client = app.test_client()
    if answered_before:
        client.post(feedback_path(person), data={"usefulness": "2", "commitment": "First plan."})

    @settings(max_examples=40, deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                     HealthCheck.data_too_large])
    @given(body=form_bodies(FEEDBACK_FORM))
    def check(body: dict) -> None:
        before = snapshot(), _responses()
        response = client.post(feedback_path(person), data=freshen(body))
        assert response.status_code < 500
        if response.status_code >= 400:
            page = response.get_data(as_text=True)
            assert any(marker in page for marker in MESSAGE_MARKERS), page[:500]
            assert (snapshot(), _responses()) == before, "a refused request wrote something"

    check()
