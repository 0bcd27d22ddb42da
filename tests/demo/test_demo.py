"""`flask demo load` and `flask demo links`: every role has something to try on localhost.

Seeding takes a few seconds, so one test loads the demo and checks everything it promises.
"""

import re
from collections import Counter

import pytest
from sqlalchemy import func, select

from app.accounts.models import RecoveryCode, Role, SignInLink, User
from app.complaints.lifecycle import HANDLING
from app.complaints.models import Complaint, ComplaintEvent, Privacy, Status
from app.db import utcnow
from app.demo import seed
from app.facilitation.demo import REPORTS as FACILITATED

pytestmark = pytest.mark.db

# Staff: the recovery-code page with an email and a code; the citizen: a one-time link.
CODE = re.compile(
    r"http://localhost:(\d+)/masuk/kode-pemulihan  email (\S+)  code ([2-9A-Z]{5}-[2-9A-Z]{5})"
)
LINK = re.compile(r"http://localhost:(\d+)/masuk/([\w-]{20,})")


def _aware(moment):
    return moment if moment.tzinfo else moment.replace(tzinfo=utcnow().tzinfo)


def test_load_seeds_every_state_once_and_prints_a_way_in_per_role(app, db, monkeypatch):
    monkeypatch.setenv("PORT", "5077")
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    assert f"added {seed.TOTAL} demo complaints" in first.output
    assert "not 127.0.0.1" in first.output  # passkeys need a domain name
    codes = CODE.findall(first.output)
    assert [port for port, _email, _code in codes] == ["5077"] * len(seed.STAFF)
    links = LINK.findall(first.output)
    assert [port for port, _token in links] == ["5077"]  # the citizen's

    with app.app_context():
        staff = {u.email: u for u in db.session.scalars(select(User))}
        assert {u.role for u in staff.values()} == set(Role)
        assert len(staff) == len(seed.ACCOUNTS)
        # A code for every staff role, a link for the citizen.
        assert {staff[email].role for _p, email, _c in codes} == set(Role) - {Role.CITIZEN}
        (citizen,) = [u for u in staff.values() if u.role is Role.CITIZEN]
        assert citizen.email and not citizen.is_staff
        (facilitator,) = [u for u in staff.values() if u.role is Role.FACILITATOR]
        assert facilitator.organisation.name == "Kader Posyandu Sukamaju"
        # The demo facilitator's reports (app/facilitation/demo.py) come on top.
        filed = select(Complaint).where(Complaint.facilitator_id == facilitator.id)
        assert len(db.session.scalars(filed).all()) == len(FACILITATED)
        complaints = list(
            db.session.scalars(select(Complaint).where(Complaint.facilitator_id.is_(None)))
        )
        assert len(complaints) == seed.TOTAL
        statuses = Counter(c.status for c in complaints)
        assert set(statuses) == set(Status), f"missing {set(Status) - set(statuses)}"
        assert statuses[Status.RECEIVED] >= 20  # the verifier's queue
        today = seed.utcnow().date()
        assert any(c.due_on < today for c in complaints if c.status is Status.RECEIVED)

        officers = {u.agency.code: u for u in staff.values() if u.role is Role.OFFICER}
        assert set(officers) == {"PEMKOT3273", "KEMENKES"}
        for code, least in (("PEMKOT3273", 25), ("KEMENKES", 15)):
            mine = [c for c in complaints if c.agency_id == officers[code].agency_id]
            handling = Counter(c.status for c in mine if c.status in HANDLING)
            assert sum(handling.values()) >= least, (code, handling)
            assert len(handling) >= 3, (code, handling)  # in various states
            acted = {e.actor_user_id for c in mine for e in c.events}
            assert officers[code].id in acted

        # Merged complaints joined an earlier one, whose support grew.
        for merged in (c for c in complaints if c.status is Status.MERGED):
            original = db.session.get(Complaint, merged.merged_into_id)
            assert original.created_at < merged.created_at and original.support_count > 1

        # An anonymous reporter leaves no identity behind.
        anonymous = [c for c in complaints if c.privacy is Privacy.ANONYMOUS]
        assert anonymous and all(c.reporter is None for c in anonymous)
        emails = [c.reporter.email for c in complaints if c.reporter and c.reporter.email]
        assert all(e.endswith(("@example.org", "@example.id")) for e in emails)
        assert len(emails) < seed.TOTAL / 5  # most demo reporters get no mail

        # The history is consistent and in the past, spread over the last weeks.
        now = utcnow()
        for complaint in complaints:
            events = complaint.events
            assert events[-1].status is complaint.status, complaint.tracking_code
            times = [_aware(e.created_at) for e in events]
            assert times == sorted(times) and times[-1] <= now
            assert _aware(complaint.created_at) == times[0]
        oldest = min(_aware(c.created_at) for c in complaints)
        assert (now - oldest).days >= 40
        assert {c.locale for c in complaints} == {"id", "en"}
        assert len({c.channel for c in complaints}) == 2

    second = runner.invoke(args=["demo", "load"])
    assert second.exit_code == 0 and "exist already" in second.output
    assert len(CODE.findall(second.output)) == len(seed.STAFF)
    assert not {c for *_r, c in codes} & {c for *_r, c in CODE.findall(second.output)}
    assert len(LINK.findall(second.output)) == 1
    assert not {t for _p, t in links} & {t for _p, t in LINK.findall(second.output)}
    with app.app_context():
        total = seed.TOTAL + len(FACILITATED)
        assert db.session.scalar(select(func.count(Complaint.id))) == total
        assert db.session.scalar(select(func.count(User.id))) == len(seed.ACCOUNTS)

    # The reporter example opens with the printed code and secret.
    code, secret = re.search(
        r"confirm or reopen: tracking code (\S+), secret (\S+)", second.output
    ).groups()
    client = app.test_client()
    from tests.conftest import csrf_token

    response = client.post(
        "/lacak", data={"code": code, "secret": secret, "csrf_token": csrf_token(client, "/lacak")}
    )
    assert response.status_code in (302, 303), response.get_data(as_text=True)[:500]


def test_printed_codes_and_the_link_sign_in_once(app, db):
    output = app.test_cli_runner().invoke(args=["demo", "links"])
    assert output.exit_code != 0 and "demo load" in output.output  # no staff yet
    with app.app_context():
        seed.ensure_staff()
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["demo", "links"])
    assert result.exit_code == 0, result.output
    codes = CODE.findall(result.output)
    assert [port for port, _email, _code in codes] == ["5000"] * len(seed.STAFF)
    (link,) = LINK.findall(result.output)
    with app.app_context():
        assert db.session.scalar(select(func.count(Complaint.id))) == 0  # links add no data
        assert db.session.scalar(select(func.count(SignInLink.id))) == 1
        assert db.session.scalar(select(func.count(RecoveryCode.id))) == 10 * len(seed.STAFF)
        assert db.session.scalar(select(func.count(ComplaintEvent.id))) == 0

    from tests.conftest import csrf_token

    # Every staff account signs in with its code, once.
    for _port, email, code in codes:
        client = app.test_client()
        data = {"csrf_token": csrf_token(client, "/masuk/kode-pemulihan"), "email": email}
        response = client.post("/masuk/kode-pemulihan", data={**data, "code": code})
        assert response.status_code == 303, email
        assert client.get("/staf").status_code == 200
        again = app.test_client()
        data["csrf_token"] = csrf_token(again, "/masuk/kode-pemulihan")
        assert again.post("/masuk/kode-pemulihan", data={**data, "code": code}).status_code == 422

    # The citizen's link signs in once; they are not staff.
    client = app.test_client()
    url = f"/masuk/{link[1]}"
    token = csrf_token(client, url)
    assert client.post(url, data={"csrf_token": token}).status_code == 303
    assert client.get("/staf").status_code in (401, 403)
    with client.session_transaction() as session:
        assert session.get("user_id")
    assert app.test_client().post(url, data={"csrf_token": token}).status_code != 303


def test_the_demo_refuses_production(app, db, monkeypatch):
    monkeypatch.setenv("SUARA_ENV", "production")
    for command in ("load", "links"):
        result = app.test_cli_runner().invoke(args=["demo", command])
        assert result.exit_code != 0 and "development" in result.output


def test_the_plan_is_deterministic():
    from datetime import timedelta

    now = utcnow()
    first, second = seed.plan(now), seed.plan(now + timedelta(days=1))
    assert [p.code for p in first] == [p.code for p in second]
    assert [p.path for p in first] == [p.path for p in second]
    assert len({p.code for p in first}) == seed.TOTAL


def test_titles_for_texts_without_one():
    assert seed.title_of("Assalamualaikum. Jalan di depan rumah rusak, mohon diperbaiki.") == (
        "Jalan di depan rumah rusak"
    )
    assert seed.title_of("Di RSUD Dr. Moewardi, pasien antre dari subuh.").startswith(
        "Di RSUD Dr. Moewardi"
    )
    assert len(seed.title_of("kata " * 40)) <= 80
