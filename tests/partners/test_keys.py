"""Partner API keys: stored hashed, scoped, revocable; issued on /admin/kunci-api and by the CLI."""

import re

import pytest
from sqlalchemy import select

from app.accounts.models import Role
from app.extensions import db as _db
from app.partners.keys import IssueError, Refusal, check, hash_key, issue, revoke
from app.partners.models import PartnerKey
from tests.conftest import csrf_token

pytestmark = pytest.mark.db

URL = "/admin/kunci-api"


def test_only_the_hash_and_prefix_are_stored(app, db):
    with app.app_context():
        record, key = issue("Sistem Dinas", ["open311:write"])
        _db.session.commit()
        assert re.fullmatch(r"swk_[A-Z2-9]{8}_[A-Za-z0-9_-]{43}", key)
        assert key.startswith(record.prefix + "_")
        assert record.key_hash == hash_key(key) and key not in record.key_hash
        stored = _db.session.execute(select(PartnerKey.__table__)).one()
        assert all(key not in str(value) for value in stored)


def test_check_scope_revocation_and_unknown(app, db):
    with app.app_context():
        record, key = issue("Sistem Dinas", ["open311:write"])
        assert check(key, "open311:write") is record
        assert record.last_used_at is not None
        assert isinstance(refused := check(key, "agency:read"), Refusal) and refused.status == 403
        assert check(key[:-1] + ("A" if key[-1] != "A" else "B"), "open311:write").status == 401
        assert check(None, "open311:write").status == 401
        assert check("", "open311:write").status == 401
        revoke(record)
        assert check(key, "open311:write").status == 401
        assert revoke(record) is False


def test_a_key_depends_on_the_secret_key(app, db):
    with app.app_context():
        _record, key = issue("Sistem Dinas", ["open311:write"])
        before = hash_key(key)
        app.config["SECRET_KEY"], old = "another-secret", app.config["SECRET_KEY"]
        try:
            assert hash_key(key) != before
        finally:
            app.config["SECRET_KEY"] = old


@pytest.mark.parametrize(
    "name, scopes, agency, field",
    [
        ("", ["open311:write"], None, "name"),
        ("x" * 121, ["open311:write"], None, "name"),
        ("Mitra", [], None, "scopes"),
        ("Mitra", ["everything"], None, "scopes"),
        ("Mitra", ["open311:write"], "NOPE", "agency"),
        ("Mitra", ["agency:read"], None, "agency"),
    ],
)
def test_issue_refuses(app, db, name, scopes, agency, field):
    with app.app_context(), pytest.raises(IssueError) as caught:
        issue(name, scopes, agency)
    assert field in [f for f, _m in caught.value.problems]


def test_cli_issue_list_revoke(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "partners",
            "issue",
            "--name",
            "Sistem Dinas",
            "--scope",
            "open311:write",
            "--agency",
            "PEMKOT3273",
        ]
    )
    assert result.exit_code == 0, result.output
    key = re.search(r"swk_[A-Z2-9]{8}_[A-Za-z0-9_-]{43}", result.output).group(0)
    prefix = key[:12]
    listed = runner.invoke(args=["partners", "list"])
    assert prefix in listed.output and key not in listed.output
    assert runner.invoke(args=["partners", "revoke", "--prefix", prefix]).exit_code == 0
    with app.app_context():
        assert check(key, "open311:write").status == 401
    bad = runner.invoke(args=["partners", "issue", "--name", "X", "--scope", "root"])
    assert bad.exit_code != 0


# --- the admin page --------------------------------------------------------------------------


@pytest.fixture
def admin(app, db, sign_in_as):
    client = app.test_client()
    sign_in_as(client, Role.ADMIN)
    return client


def create(client, **fields):
    data = {"csrf_token": csrf_token(client, URL), **fields}
    return client.post(URL, data=data)


def test_admin_creates_sees_once_and_revokes(app, admin):
    response = create(admin, name="Sistem Dinas", scopes=["open311:write"], agency="32.73")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    key = re.search(r'<code id="new-key">([^<]+)</code>', html).group(1)
    with app.app_context():
        record = _db.session.scalar(select(PartnerKey))
        assert record.agency.code == "PEMKOT3273" and record.scope_list == ["open311:write"]
        assert record.created_by is not None
        key_id = record.id
    listed = admin.get(URL).get_data(as_text=True)
    assert key not in listed and key[:12] in listed  # shown once; the prefix stays
    assert f"{URL}/cabut?kunci={key_id}" in listed
    confirm = admin.get(f"{URL}/cabut?kunci={key_id}")
    assert confirm.status_code == 200
    with app.app_context():
        assert check(key, "open311:write") is not None
        assert _db.session.get(PartnerKey, key_id).revoked_at is None  # looking revokes nothing
    token = re.search(
        r'name="csrf_token" type="hidden" value="([^"]+)"', confirm.get_data(as_text=True)
    ).group(1)
    done = admin.post(f"{URL}/cabut", data={"csrf_token": token, "key": str(key_id)})
    assert done.status_code == 303
    assert 'id="key-revoked"' in admin.get(URL).get_data(as_text=True)
    with app.app_context():
        assert _db.session.get(PartnerKey, key_id).revoked_at is not None
        assert check(key, "open311:write").status == 401


def test_admin_form_errors(app, admin):
    response = create(admin, name="", agency="NOPE")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'class="error-summary"' in html
    assert 'href="#name"' in html and 'href="#scopes"' in html and 'href="#agency"' in html
    with app.app_context():
        assert _db.session.scalar(select(PartnerKey)) is None


def test_unknown_key_id_404(admin):
    assert admin.get(f"{URL}/cabut?kunci=999").status_code == 404
    assert admin.get(f"{URL}/cabut?kunci=abc").status_code == 404


@pytest.mark.parametrize("role", [Role.VERIFIER, Role.SUPERVISOR, Role.OFFICER, Role.FACILITATOR])
def test_only_admins(app, db, sign_in_as, role):
    client = app.test_client()
    assert client.get(URL).status_code == 401
    sign_in_as(client, role, agency="32.73" if role is Role.OFFICER else None)
    assert client.get(URL).status_code == 403
    assert client.get(f"{URL}/cabut?kunci=1").status_code == 403
    assert client.post(URL, data={"name": "x"}).status_code in (400, 403)
