"""What the benchmark scripts share: an app on a fresh SQLite file with the agency directory
loaded, as `make run` sets one up."""

from __future__ import annotations

from pathlib import Path

from flask import Flask


def directory_app(directory: Path) -> tuple[Flask, Path]:
    """An app on `directory`/bench.db with every table made and the directory loaded; the
    database's path, for bulk inserts through sqlite3."""
    from app import create_app
    from app.directory.operations import load_directory
    from app.extensions import db

    path = Path(directory) / "bench.db"
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "UPLOAD_DIR": str(Path(directory) / "up")}
    )
    with app.app_context():
        db.create_all()
        load_directory()
        db.session.commit()
    return app, path
