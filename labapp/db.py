"""Database base class, the Flask-SQLAlchemy handle and transaction helpers."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any, ClassVar

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import DateTime, Enum, MetaData, Table, event, inspect
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.orm import DeclarativeBase, registry
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamptz that always hands back aware UTC datetimes, on SQLite too.

    SQLite stores no offset, so we refuse naive datetimes on the way in and
    re-attach UTC on the way out; services can then compare instants freely.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def str_enum(enum: type[StrEnum], *, length: int) -> Enum:
    """A status-like column: stored as the enum's values in VARCHAR(length), loaded as enum members.

    No native enum type and no CHECK constraint, so the schema stays the VARCHAR it always was and
    a new member needs no migration.
    """
    return Enum(enum, native_enum=False, create_constraint=False, length=length,
                values_callable=lambda members: [member.value for member in members])


class Base(DeclarativeBase):
    # Every model here maps one table (DeclarativeBase allows any FromClause), so Core
    # insert()/update() accept Model.__table__.
    __table__: ClassVar[Table]
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime()},
    )


db = SQLAlchemy(model_class=Base)

# Models derive from Model. At run time it is db.Model (Base plus Flask-SQLAlchemy's bind and table
# name mixins); mypy cannot take a base class from an attribute, so to it Model is Base.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model


@contextmanager
def unit_of_work() -> Iterator[Any]:
    """Run a block as one transaction: commit at the end, roll back on any error.

    Nested use joins the outer unit, so a service may call another service.
    """
    session = db.session
    if session.info.get("in_unit_of_work"):
        yield session
        return
    session.info["in_unit_of_work"] = True
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.info["in_unit_of_work"] = False


def new_row_values(obj: Base) -> dict[str, Any]:
    """What an INSERT of this new (never added) object would write: its values, else its columns' Python defaults.

    For a Core INSERT of an object built as the ORM would save it (registrations/claim.py): every
    column a model has, now or later, is written the same way.
    """
    state = inspect(obj)
    values = {}
    for prop in state.mapper.column_attrs:
        column = prop.columns[0]
        value = state.dict.get(prop.key)
        if value is None and column.default is not None:
            default: Any = column.default
            if default.is_scalar:
                value = default.arg
            elif default.is_callable:
                value = default.arg(None)  # SQLAlchemy wraps a no-argument callable to take a context
        if value is not None:
            values[column.name] = value
    return values


def is_postgres() -> bool:
    """True when the current engine is PostgreSQL (row locks, SKIP LOCKED)."""
    return db.engine.dialect.name == "postgresql"


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    # WAL lets the worker read while the web process writes; the busy timeout
    # makes writers queue instead of failing (SQLite's stand-in for row locks).
    module = type(dbapi_connection).__module__
    if "sqlite" not in module:
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA journal_mode=WAL")  # in-memory databases answer 'memory' and carry on
    # Erased names and answers are overwritten with zeros instead of lingering in free pages of the file.
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()
