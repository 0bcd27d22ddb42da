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
    env = {
        **os.environ,
        "SUARA_ENV": "testing",
        "SUARA_INSTANCE": str(tmp_path),
        "FLASK_APP": "app",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'm.db'}",
    }
    flask = str(Path(sys.executable).parent / "flask")
    subprocess.run([flask, "db", "upgrade"], env=env, cwd=ROOT, check=True, capture_output=True)
    app = create_app({"SQLALCHEMY_DATABASE_URI": env["DATABASE_URL"]})
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
