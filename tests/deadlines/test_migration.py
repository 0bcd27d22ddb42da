"""The deadlines migration (a3f0b2c30003) goes up and down on SQLite."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def _flask(tmp_path: Path, *args: str) -> None:
    env = {
        **os.environ,
        "SUARA_ENV": "testing",
        "SUARA_INSTANCE": str(tmp_path),
        "FLASK_APP": "app",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'm.db'}",
    }
    flask = str(Path(sys.executable).parent / "flask")
    subprocess.run([flask, *args], env=env, cwd=ROOT, check=True, capture_output=True)


def _schema(tmp_path: Path) -> tuple[list[str], str]:
    with sqlite3.connect(tmp_path / "m.db") as connection:
        columns = [row[1] for row in connection.execute("PRAGMA table_info(complaints)")]
        events_sql = connection.execute(
            "SELECT sql FROM sqlite_master WHERE name = 'complaint_events'"
        ).fetchone()[0]
    return columns, events_sql


def test_upgrade_adds_the_column_and_the_event_kind_and_downgrade_removes_them(tmp_path):
    _flask(tmp_path, "db", "upgrade", "a3f0b2c30003")
    columns, events_sql = _schema(tmp_path)
    assert "escalated_on" in columns and "'escalated'" in events_sql
    _flask(tmp_path, "db", "downgrade", "a2e0f1a20002")
    columns, events_sql = _schema(tmp_path)
    assert "escalated_on" not in columns and "'escalated'" not in events_sql
    assert "'closed'" in events_sql
