"""One SessionFields: the form, the CLI and the services share every limit, and each change is one transaction."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event, select

from labapp.db import db
from labapp.sessions.errors import InvalidSession
from labapp.sessions.models import LabSession
from labapp.sessions.services import SessionFields, create_session, duplicate_session
from tests.factories import make_lab_session, make_user, now_utc


def _fields(**overrides):
    fields = {"title": "Hearing Student Voices", "starts_at": now_utc() + timedelta(days=10),
              "timezone": "America/Chicago", "duration_minutes": 90, "capacity": 12}
    fields.update(overrides)
    return SessionFields(**fields)


@pytest.fixture
def commits(app):
    counted = []
    listener = lambda session: counted.append(session)  # noqa: E731

    event.listen(db.session, "after_commit", listener)
    yield counted
    event.remove(db.session, "after_commit", listener)


@pytest.mark.parametrize("minutes", [14, 481])
def test_the_form_the_cli_and_the_service_refuse_the_same_durations(signed_in, runner, minutes):
    start = (now_utc() + timedelta(days=10)).strftime("%Y-%m-%dT16:00")
    page = signed_in.post("/dashboard/sessions/new", data={
        "title": "Too long or short", "starts_at": start, "timezone": "America/Chicago",
        "duration_minutes": str(minutes), "capacity": "12", "format": "online"})
    assert page.status_code == 400
    assert "Duration must be between 15 minutes and 8 hours." in page.get_data(as_text=True)
    cli = runner.invoke(args=["sessions", "add", "--title", "Too long or short", "--starts-at", start,
                              "--timezone", "America/Chicago", "--duration", str(minutes), "--capacity", "12"])
    assert cli.exit_code != 0
    with pytest.raises(InvalidSession, match="Duration must be between 15 minutes and 8 hours."):
        create_session(fields=_fields(duration_minutes=minutes), now=now_utc())
    assert db.session.scalar(select(LabSession.id)) is None


@pytest.mark.parametrize("minutes", [15, 480])
def test_the_shortest_and_longest_sessions_are_accepted_everywhere(runner, minutes):
    start = (now_utc() + timedelta(days=10)).strftime("%Y-%m-%dT16:00")
    cli = runner.invoke(args=["sessions", "add", "--title", "Edge", "--starts-at", start,
                              "--timezone", "America/Chicago", "--duration", str(minutes), "--capacity", "12"])
    assert cli.exit_code == 0, cli.output
    assert db.session.scalar(select(LabSession.duration_minutes)) == minutes


def test_creating_a_session_with_a_reply_to_commits_once(app, commits):
    lab = create_session(fields=_fields(reply_to=" lead@example.org "), facilitators=[make_user()], now=now_utc())
    commits.clear()  # make_user committed above
    create_session(fields=_fields(title="Second", reply_to="lead@example.org"), now=now_utc())
    assert len(commits) == 1
    assert lab.reply_to == "lead@example.org"


def test_duplicating_a_session_copies_its_reply_to_in_one_commit(app, commits):
    lab = make_lab_session(reply_to="lead@example.org", follow_up_after_hours=5)
    commits.clear()
    copy = duplicate_session(lab_session_id=lab.id, now=now_utc())
    assert len(commits) == 1
    assert (copy.reply_to, copy.follow_up_after_hours, copy.title) == ("lead@example.org", 5, lab.title)
