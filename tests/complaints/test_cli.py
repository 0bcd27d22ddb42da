import pytest
from sqlalchemy import select

pytestmark = pytest.mark.db


def test_directory_load_command_reports_no_changes_the_second_time(app, db):
    result = app.test_cli_runner().invoke(args=["directory", "load"])
    assert result.exit_code == 0 and "(0 changes)" in result.output


def test_purge_drafts_removes_old_drafts_and_their_files(app, db, uploads):
    from datetime import timedelta

    from app.db import utcnow
    from app.intake.models import Draft
    from app.intake.operations import save_draft
    from app.intake.uploads import clean
    from tests.helpers import png

    with app.test_request_context(method="POST"):
        old = save_draft(None, {"title": "old"}, [clean(png())], drop_old_files=False)
        old.created_at = utcnow() - timedelta(hours=30)
        save_draft(None, {"title": "new"}, [], drop_old_files=False)
        db.session.commit()
    assert len(list(uploads.iterdir())) == 1
    result = app.test_cli_runner().invoke(args=["intake", "purge-drafts"])
    assert result.exit_code == 0 and result.output.startswith("1 ")
    assert list(uploads.iterdir()) == []
    with app.app_context():
        assert [d.data["title"] for d in db.session.scalars(select(Draft))] == ["new"]
