"""The deadlines migration (a3f0b2c30003) goes up and down on SQLite."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.helpers import flask_on_sqlite


def _schema(tmp_path: Path) -> tuple[list[str], str]:
    with sqlite3.connect(tmp_path / "m.db") as connection:
        columns = [row[1] for row in connection.execute("PRAGMA table_info(complaints)")]
        events_sql = connection.execute(
            "SELECT sql FROM sqlite_master WHERE name = 'complaint_events'"
        ).fetchone()[0]
    return columns, events_sql


def test_upgrade_adds_the_column_and_the_event_kind_and_downgrade_removes_them(tmp_path):
    flask_on_sqlite(tmp_path, "db", "upgrade", "a3f0b2c30003")
    columns, events_sql = _schema(tmp_path)
    assert "escalated_on" in columns and "'escalated'" in events_sql
    flask_on_sqlite(tmp_path, "db", "downgrade", "a2e0f1a20002")
    columns, events_sql = _schema(tmp_path)
    assert "escalated_on" not in columns and "'escalated'" not in events_sql
    assert "'closed'" in events_sql
