"""The migrations build the schema the models describe, up and down, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from labapp import create_app
from labapp.db import db


def _fresh_app(backend, tmp_path, database_urls):
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'migrate.sqlite3'}"
    else:
        url = database_urls["postgresql"]
    return create_app("testing", SQLALCHEMY_DATABASE_URI=url)


def _empty_schema(backend):
    """PostgreSQL's shared test database back to no tables (a SQLite file here starts empty)."""
    if backend == "postgresql":
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))


def test_empty_database_upgrades_to_head_and_back_down(backend, tmp_path, database_urls):
    app = _fresh_app(backend, tmp_path, database_urls)
    with app.app_context():
        _empty_schema(backend)
        upgrade()
        assert "registrations" in inspect(db.engine).get_table_names()
        with db.engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), db.metadata)
        assert diff == [], f"models and migrations disagree: {diff}"
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        db.engine.dispose()


def test_going_down_and_up_again_keeps_registrations_and_counts_them(backend, tmp_path, database_urls):
    from labapp.sessions.models import LabSession
    from tests.factories import make_lab_session, make_registration

    app = _fresh_app(backend, tmp_path, database_urls)
    with app.app_context():
        _empty_schema(backend)
        upgrade()
        lab = make_lab_session(capacity=2)
        for _ in range(3):
            make_registration(lab)
        lab_id = lab.id
        db.session.remove()
        # Down past the columns added to lab_sessions and registrations (0007, 0006), which on
        # SQLite must not rebuild those tables: dropping one cascades to the rows referring to it.
        downgrade(revision="0005")
        upgrade()  # 0007 counts what is there
        assert db.session.get(LabSession, lab_id).confirmed_count == 2
        assert db.session.get(LabSession, lab_id).waitlisted_count == 1
        db.session.remove()
        # Leave the shared test database as the other tests expect it: empty, at head.
        _empty_schema(backend)
        upgrade()
        db.engine.dispose()
