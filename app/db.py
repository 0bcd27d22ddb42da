"""The declarative base, constraint naming, and what every SQLite connection must be."""

from __future__ import annotations

import enum
from datetime import UTC, datetime

from flask import has_request_context, request
from sqlalchemy import DateTime, Engine, Enum, MetaData, event
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, registry

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def utcnow() -> datetime:
    return datetime.now(UTC)


def aware(moment: datetime) -> datetime:
    """`moment` with its UTC offset: SQLite hands back the naive UTC value it stored."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: DateTime(timezone=True)},
    )


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


def configure_sqlite(engine: Engine) -> None:
    """WAL, FULL sync, foreign keys and a busy timeout on every connection.

    pysqlite's own transaction handling begins a transaction lazily and, in WAL mode, a read
    transaction that later writes can fail at once with SQLITE_BUSY instead of waiting. So we
    switch the driver to autocommit and issue BEGIN ourselves: BEGIN IMMEDIATE for requests that
    change state (they queue on the write lock from the start), plain BEGIN for the rest.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # noqa: ANN001
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:  # noqa: ANN001
        writing = has_request_context() and request.method in WRITE_METHODS
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")


def str_enum(enum_cls: type[enum.Enum], length: int = 20) -> Enum:
    """An enum stored as its value, with a CHECK constraint the database enforces."""
    return Enum(
        enum_cls,
        native_enum=False,
        create_constraint=True,
        length=length,
        validate_strings=True,
        values_callable=lambda members: [m.value for m in members],
    )
