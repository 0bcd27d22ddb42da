"""The life cycle: allowed moves, refused moves, reasons, agencies, clocks, races."""

from datetime import date

import pytest
from flask_babel import force_locale

from app.complaints.lifecycle import RULES, Action, Actor, TransitionError, act, allowed_actions
from app.complaints.models import Complaint, EventKind, Status
from app.extensions import db as _db
from tests.helpers import agency, complaint

pytestmark = pytest.mark.db


@pytest.fixture
def ctx(app, db):
    with app.app_context(), force_locale("en"):
        yield
        _db.session.rollback()


def test_the_happy_path_writes_one_event_per_step(make_complaint, ctx):
    c = complaint(make_complaint()[0])
    bandung = agency("PEMKOT3273")
    act(c, Action.DISPATCH, Actor.VERIFIER, agency=bandung)
    act(c, Action.START, Actor.OFFICER)
    act(c, Action.RESPOND, Actor.OFFICER, reason="Tim kami meninjau lokasi besok.")
    act(c, Action.RESOLVE, Actor.OFFICER, reason="Lubang sudah ditambal.")
    act(c, Action.CONFIRM, Actor.REPORTER)
    assert c.status is Status.CLOSED and c.agency_id == bandung.id
    assert [e.kind for e in c.events] == [
        EventKind.RECEIVED,
        EventKind.DISPATCHED,
        EventKind.STARTED,
        EventKind.RESPONDED,
        EventKind.RESOLVED,
        EventKind.CONFIRMED,
    ]
    assert c.events[3].note == "Tim kami meninjau lokasi besok."


@pytest.mark.parametrize(
    ("action", "actor"),
    [
        (Action.RESOLVE, Actor.OFFICER),
        (Action.CONFIRM, Actor.REPORTER),
        (Action.START, Actor.OFFICER),
        (Action.REOPEN, Actor.REPORTER),
        (Action.APPEAL, Actor.REPORTER),
        (Action.CLOSE, Actor.SYSTEM),
    ],
)
def test_moves_the_life_cycle_does_not_allow_are_refused(make_complaint, ctx, action, actor):
    c = complaint(make_complaint()[0])
    with pytest.raises(TransitionError, match="not possible now"):
        act(c, action, actor, reason="x")
    assert c.status is Status.RECEIVED and len(c.events) == 1


def test_only_the_right_actor_may_act(make_complaint, ctx):
    c = complaint(make_complaint()[0])
    with pytest.raises(TransitionError, match="cannot take this action"):
        act(c, Action.DISPATCH, Actor.OFFICER, agency=agency("KEMENKES"))


@pytest.mark.parametrize("reason", [None, "", "   \n"])
def test_an_empty_reason_is_refused_where_the_reporter_needs_one(make_complaint, ctx, reason):
    c = complaint(make_complaint()[0])
    for action in (Action.ARCHIVE, Action.FLAG, Action.REQUEST_INFO, Action.MERGE):
        with pytest.raises(TransitionError, match="reason"):
            act(c, action, Actor.VERIFIER, reason=reason)
    assert len(c.events) == 1


def test_dispatch_needs_an_agency(make_complaint, ctx):
    c = complaint(make_complaint()[0])
    with pytest.raises(TransitionError, match="agency"):
        act(c, Action.DISPATCH, Actor.VERIFIER, agency=None)


def test_needs_info_pauses_the_clock_and_a_reply_restarts_it(make_complaint, ctx):
    c = complaint(make_complaint()[0])
    assert c.due_on is not None  # 3 working days to verify
    act(c, Action.REQUEST_INFO, Actor.VERIFIER, reason="Di jalan mana tepatnya?")
    assert c.status is Status.NEEDS_INFO and c.due_on is None
    act(c, Action.REPLY, Actor.REPORTER, reason="Jalan Dago nomor 12.")
    assert c.status is Status.RECEIVED and c.due_on >= date.today()


def test_forwarding_changes_the_agency_and_restarts_its_clock(make_complaint, ctx):
    c = complaint(make_complaint()[0])
    act(c, Action.DISPATCH, Actor.VERIFIER, agency=agency("PEMKOT3273"))
    with pytest.raises(TransitionError, match="another agency"):
        act(c, Action.FORWARD, Actor.OFFICER, agency=agency("PEMKOT3273"), reason="x")
    act(c, Action.FORWARD, Actor.OFFICER, agency=agency("KEMENPU"), reason="Jalan nasional.")
    assert c.status is Status.FORWARDED and c.agency.code == "KEMENPU"
    assert c.events[-1].agency_id == c.agency_id


def test_merging_joins_the_earlier_report_and_counts_support(make_complaint, ctx):
    codes = make_complaint()[0], make_complaint()[0]  # both filed before this session reads
    first, second = complaint(codes[0]), complaint(codes[1])
    act(second, Action.MERGE, Actor.VERIFIER, into=first, reason="Masalah yang sama.")
    assert second.status is Status.MERGED and second.merged_into_id == first.id
    assert first.support_count == 2
    with pytest.raises(TransitionError):
        act(first, Action.MERGE, Actor.VERIFIER, into=first, reason="x")


def test_archived_and_flagged_reports_can_be_answered_back(make_complaint, ctx):
    codes = make_complaint()[0], make_complaint()[0]
    archived, flagged = complaint(codes[0]), complaint(codes[1])
    act(archived, Action.ARCHIVE, Actor.VERIFIER, reason="Bukan layanan publik.")
    act(archived, Action.REPLY, Actor.REPORTER, reason="Ini layanan PDAM.")
    assert archived.status is Status.RECEIVED
    act(flagged, Action.FLAG, Actor.VERIFIER, reason="Diduga hoaks.")
    act(flagged, Action.APPEAL, Actor.REPORTER, reason="Ini nyata, ada fotonya.")
    assert flagged.status is Status.RECEIVED


def test_allowed_actions_follow_the_rules(make_complaint, ctx):
    c = complaint(make_complaint()[0])
    assert set(allowed_actions(c, Actor.VERIFIER)) == {
        Action.DISPATCH,
        Action.MERGE,
        Action.REQUEST_INFO,
        Action.ARCHIVE,
        Action.FLAG,
    }
    assert allowed_actions(c, Actor.OFFICER) == []
    assert all(rule.actors for rule in RULES.values())


def test_act_turns_a_lost_race_into_a_clear_message(app, db, make_complaint):
    code = make_complaint()[0]
    with app.app_context(), force_locale("en"):
        c = complaint(code)
        # Someone else changes the row underneath this session.
        _db.session.execute(
            Complaint.__table__.update().where(Complaint.id == c.id).values(version=c.version + 1)
        )
        with pytest.raises(TransitionError, match="Someone else"):
            act(c, Action.ARCHIVE, Actor.VERIFIER, reason="Bukan layanan publik.")
        _db.session.rollback()
        assert complaint(code).status is Status.RECEIVED
        assert len(complaint(code).events) == 1


def test_messages_are_translated(make_complaint, app, db):
    code = make_complaint()[0]
    with app.app_context():  # outside a request: Bahasa Indonesia, the default
        with pytest.raises(TransitionError, match="tidak dapat dilakukan sekarang"):
            act(complaint(code), Action.RESOLVE, Actor.OFFICER, reason="x")
        _db.session.rollback()
