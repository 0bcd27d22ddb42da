import re

import pytest
from sqlalchemy import func, select

from app.complaints.models import Complaint

pytestmark = pytest.mark.db


def test_demo_data_is_loaded_once(app, db):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    second = runner.invoke(args=["demo", "load"])
    assert second.exit_code == 0 and "already" in second.output
    with app.app_context():
        total = db.session.scalar(select(func.count(Complaint.id)))
        anonymous = db.session.scalars(select(Complaint).where(Complaint.privacy == "anonymous"))
        assert total >= 6
        assert all(c.reporter is None for c in anonymous)


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


def test_demo_staff_get_fresh_sign_in_links_every_time(app, db):
    from app.accounts.models import Role, User

    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "load"]).output
    second = runner.invoke(args=["demo", "load"]).output
    links = lambda out: re.findall(r"/masuk/[\w-]+", out)  # noqa: E731
    assert len(links(first)) == len(links(second)) == 4
    assert not set(links(first)) & set(links(second))
    with app.app_context():
        staff = {u.email: u for u in db.session.scalars(select(User))}
        assert len(staff) == 4
        officers = [u for u in staff.values() if u.role is Role.OFFICER]
        assert {u.agency.code for u in officers} == {"PEMKOT3273", "KEMENKES"}
