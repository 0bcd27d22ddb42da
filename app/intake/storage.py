"""Where attachment bytes live, and keeping disk and database in step.

A file written during a request is forgotten (deleted) unless the request's transaction
commits: bad input or a failed commit leaves no orphan file.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask, current_app, g
from sqlalchemy import event
from sqlalchemy.orm import Session


def upload_dir() -> Path:
    return Path(current_app.config["UPLOAD_DIR"])


def path_of(storage_name: str) -> Path:
    return upload_dir() / storage_name


def save(data: bytes, extension: str) -> str:
    """Write bytes under a random name (never the client's) and return that name."""
    name = f"{secrets.token_hex(16)}{extension}"
    target = path_of(name)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    g.setdefault("uncommitted_files", []).append(target)
    return name


def delete_after_commit(storage_names: list[str]) -> None:
    g.setdefault("files_to_delete", []).extend(path_of(n) for n in storage_names)


def _unlink(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


def init_storage(app: Flask) -> None:
    @event.listens_for(Session, "after_commit")
    def _committed(_session: Session) -> None:
        if g:
            g.pop("uncommitted_files", None)
            _unlink(g.pop("files_to_delete", []))

    @event.listens_for(Session, "after_soft_rollback")
    def _rolled_back(_session: Session, _previous) -> None:  # noqa: ANN001
        if g:
            _unlink(g.pop("uncommitted_files", []))
            g.pop("files_to_delete", None)

    @app.teardown_appcontext
    def _forget_uncommitted(_error: BaseException | None) -> None:
        _unlink(g.pop("uncommitted_files", []))


__all__ = ["delete_after_commit", "init_storage", "path_of", "save"]
