"""The inbox as CSV: the agency's own reports with the inbox's filters, never an anonymous
reporter's identity, never another agency's report, formulas neutralised."""

from __future__ import annotations

import csv
import io

import pytest

from app.accounts.models import Role
from tests.inbox.conftest import BOGOR

pytestmark = pytest.mark.db


def rows(response) -> list[dict[str, str]]:
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    text = response.get_data(as_text=True).lstrip("\ufeff")
    return list(csv.DictReader(io.StringIO(text)))


def test_the_export_has_the_agencys_reports_with_the_inbox_filters(officer, dispatched):
    named = dispatched(title="Trotoar rusak", name="Siti Rahma", email="siti@example.org")
    anonymous = dispatched(
        title="Pungli di kelurahan", privacy="anonymous", name=None, email=None, phone=None
    )
    elsewhere = dispatched(BOGOR, title="Laporan instansi lain")
    exported = {row["tracking_code"]: row for row in rows(officer.get("/instansi/ekspor.csv"))}
    assert set(exported) == {named, anonymous}
    assert elsewhere not in exported
    assert exported[named]["reporter_email"] == "siti@example.org"
    assert exported[anonymous]["reporter_name"] == exported[anonymous]["reporter_email"] == ""
    assert exported[anonymous]["privacy"] == "anonymous"
    filtered = rows(officer.get("/instansi/ekspor.csv?q=trotoar"))
    assert [row["tracking_code"] for row in filtered] == [named]


def test_an_anonymous_reporters_identity_never_reaches_the_export(app, officer, dispatched):
    """Even when an anonymous complaint somehow carries contact details (filed through the
    API with them), the export leaves them out."""
    code = dispatched(privacy="anonymous", name="Rahasia Sekali", email="rahasia@example.org")
    body = officer.get("/instansi/ekspor.csv").get_data(as_text=True)
    assert code in body
    assert "Rahasia Sekali" not in body and "rahasia@example.org" not in body


def test_spreadsheet_formulas_are_neutralised(officer, dispatched):
    code = dispatched(title='=HYPERLINK("http://evil.example")', description="+1 laporan")
    row = next(r for r in rows(officer.get("/instansi/ekspor.csv")) if r["tracking_code"] == code)
    assert row["title"].startswith("'=")
    assert row["description"].startswith("'+")


def test_only_officers_may_export(client, sign_in_as):
    assert client.get("/instansi/ekspor.csv").status_code == 401
    sign_in_as(client, Role.SUPERVISOR)
    assert client.get("/instansi/ekspor.csv").status_code == 403


def test_the_inbox_links_to_the_export_with_its_filters(officer, dispatched):
    dispatched(title="Trotoar rusak")
    page = officer.get("/instansi?q=trotoar").get_data(as_text=True)
    assert 'href="/instansi/ekspor.csv?q=trotoar"' in page
