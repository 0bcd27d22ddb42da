"""The database as configured: SQLite pragmas, migrations in step with the models."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app import create_app
from app.extensions import db
from tests.helpers import MIGRATION_DIRECTORY_SQL, flask_on_sqlite

ROOT = Path(__file__).resolve().parent.parent


def test_every_sqlite_connection_is_configured(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}"})
    with app.app_context():
        for _ in range(2):  # a second, fresh connection too
            with db.engine.connect() as connection:
                pragma = lambda name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()  # noqa: E731
                assert pragma("journal_mode") == "wal"
                assert pragma("synchronous") == 2  # FULL
                assert pragma("foreign_keys") == 1
                assert pragma("busy_timeout") >= 5000
            db.engine.dispose()


def test_migrations_build_exactly_the_models(tmp_path):
    """`flask db upgrade` on an empty database gives the schema the models describe."""
    url = flask_on_sqlite(tmp_path, "db", "upgrade")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context(), db.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert diff == []


@pytest.mark.db
def test_the_app_never_calls_create_all():
    for path in (ROOT / "app").rglob("*.py"):
        assert "create_all" not in path.read_text(), path


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    code = "import app; app.create_app()"
    env = {**os.environ, "SUARA_ENV": "production", "SUARA_INSTANCE": str(tmp_path)}
    env.pop("SECRET_KEY", None)
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode != 0
    assert "SECRET_KEY is not set" in done.stderr


def test_development_generates_a_secret_key_once(tmp_path):
    code = "import app; print(app.create_app().secret_key)"
    env = {**os.environ, "SUARA_ENV": "development", "SUARA_INSTANCE": str(tmp_path)}
    env.pop("SECRET_KEY", None)

    def run() -> str:
        done = subprocess.run(
            [sys.executable, "-c", code],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout.strip()

    first = run()
    assert len(first) == 64 and run() == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_enum_checks_in_the_migrated_schema_allow_every_value(tmp_path):
    """Autogenerate does not compare CHECK constraints: catch an enum that grew silently."""
    import sqlite3

    from sqlalchemy import Enum

    flask_on_sqlite(tmp_path, "db", "upgrade")
    connection = sqlite3.connect(tmp_path / "m.db")
    for table in db.metadata.sorted_tables:
        sql = connection.execute(
            "select sql from sqlite_master where type = 'table' and name = ?", (table.name,)
        ).fetchone()[0]
        for column in table.columns:
            if isinstance(column.type, Enum):
                for value in column.type.enums:
                    assert f"'{value}'" in sql, f"{table.name}.{column.name} refuses {value}"
    connection.close()


def test_upgrading_an_sqlite_database_with_data_keeps_it(tmp_path):
    """Batch migrations rebuild tables; rows that other rows point to must survive."""
    import sqlite3

    flask_on_sqlite(tmp_path, "db", "upgrade", "d7fba7ed6447")  # the first revision
    connection = sqlite3.connect(tmp_path / "m.db")
    connection.executescript(MIGRATION_DIRECTORY_SQL)
    connection.executescript("""
        insert into complaints (id, tracking_code, type, status, privacy, title, description,
            region_code, category_code, locale, channel, created_at) values
            (1, 'ABCD-EFGH', 'complaint', 'received', 'public', 'Jalan', 'Rusak', '32',
             'roads', 'id', 'web', '2026-11-27 10:00:00');
        insert into complaint_events (complaint_id, kind, status, public, actor_role,
            created_at) values (1, 'received', 'received', 1, 'reporter', '2026-11-27');
    """)
    connection.commit()
    connection.close()
    flask_on_sqlite(tmp_path, "db", "upgrade")
    connection = sqlite3.connect(tmp_path / "m.db")
    assert connection.execute("select count(*) from complaint_events").fetchone() == (1,)
    assert connection.execute("select version, support_count from complaints").fetchone() == (1, 1)
    connection.close()
