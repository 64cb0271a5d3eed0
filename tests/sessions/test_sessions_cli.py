"""`flask sessions add|list` and `flask demo load`."""

from __future__ import annotations

import json

from labapp.db import db
from labapp.sessions.models import LabSession


def test_sessions_add_prints_the_public_url_last_and_reads_local_time(runner):
    result = runner.invoke(args=[
        "sessions", "add", "--title", "Listening lab", "--starts-at", "2030-01-15T16:00",
        "--timezone", "America/Chicago", "--duration", "90", "--capacity", "12", "--publish",
    ])
    assert result.exit_code == 0, result.output
    last_line = result.output.strip().splitlines()[-1]
    assert last_line.startswith("http://labapp.test/sessions/listening-lab-2030-01-15")
    lab = db.session.query(LabSession).one()
    assert lab.starts_at.isoformat() == "2030-01-15T22:00:00+00:00"  # 4 PM CST
    assert lab.is_published


def test_sessions_add_rejects_an_unknown_time_zone(runner):
    result = runner.invoke(args=[
        "sessions", "add", "--title", "X", "--starts-at", "2030-03-10T16:00", "--timezone", "Nowhere/Land",
        "--duration", "90", "--capacity", "12",
    ])
    assert result.exit_code != 0
    assert "time zone" in result.output


def test_sessions_list_json_has_the_contract_fields(runner):
    runner.invoke(args=["sessions", "add", "--title", "Lab A", "--starts-at", "2030-05-01T10:00:00+02:00",
                        "--timezone", "Europe/Berlin", "--duration", "60", "--capacity", "5", "--publish"])
    result = runner.invoke(args=["sessions", "list", "--json"])
    rows = json.loads(result.output)
    assert rows[0]["starts_at"] == "2030-05-01T10:00:00+02:00"
    for key in ("id", "slug", "title", "starts_at", "timezone", "capacity", "confirmed", "waitlisted", "status", "url"):
        assert key in rows[0]


def test_demo_load_is_idempotent_and_leaves_three_upcoming_sessions_in_two_zones(runner):
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    assert "facilitator@example.org" in first.output
    runner.invoke(args=["demo", "load"])
    rows = json.loads(runner.invoke(args=["sessions", "list", "--json"]).output)
    assert len(rows) == 5  # four English sessions and one in Spanish for families
    assert len({row["timezone"] for row in rows}) >= 2
    assert any(row["waitlisted"] > 0 and row["confirmed"] == row["capacity"] for row in rows)


def test_demo_load_adds_a_spanish_session_for_families(runner):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    rows = json.loads(runner.invoke(args=["sessions", "list", "--json"]).output)
    spanish = [row for row in rows if row["language"] == "es"]
    assert [row["slug"] for row in spanish] == ["demo-familias-experiencias"]
    assert {row["language"] for row in rows} == {"en", "es"}


def test_sessions_add_takes_the_conversation_language_and_list_json_shows_it(runner):
    result = runner.invoke(args=[
        "sessions", "add", "--title", "Familias", "--starts-at", "2030-01-15T18:00", "--timezone",
        "America/Los_Angeles", "--duration", "75", "--capacity", "15", "--language", "es", "--publish",
    ])
    assert result.exit_code == 0, result.output
    runner.invoke(args=["sessions", "add", "--title", "Both", "--starts-at", "2030-01-16T18:00", "--timezone",
                        "America/Los_Angeles", "--duration", "75", "--capacity", "15", "--language", "bilingual"])
    runner.invoke(args=["sessions", "add", "--title", "Default", "--starts-at", "2030-01-17T18:00", "--timezone",
                        "America/Los_Angeles", "--duration", "75", "--capacity", "15"])
    rows = json.loads(runner.invoke(args=["sessions", "list", "--json"]).output)
    assert {row["title"]: row["language"] for row in rows} == {"Familias": "es", "Both": "bilingual", "Default": "en"}


def test_sessions_add_refuses_a_language_it_does_not_know(runner):
    result = runner.invoke(args=[
        "sessions", "add", "--title", "X", "--starts-at", "2030-03-10T16:00", "--timezone", "America/Chicago",
        "--duration", "90", "--capacity", "12", "--language", "fr",
    ])
    assert result.exit_code == 2
    assert "--language" in result.output
    assert db.session.query(LabSession).count() == 0
