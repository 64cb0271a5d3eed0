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


def test_empty_database_upgrades_to_head_and_back_down(backend, tmp_path, database_urls):
    app = _fresh_app(backend, tmp_path, database_urls)
    with app.app_context():
        if backend == "postgresql":
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade()
        assert "registrations" in inspect(db.engine).get_table_names()
        with db.engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), db.metadata)
        assert diff == [], f"models and migrations disagree: {diff}"
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        db.engine.dispose()
