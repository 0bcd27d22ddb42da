"""The deadline sweep on a frozen clock, across a weekend and the Christmas holidays.

December 2026 in lokal-id: Thursday 24 is cuti bersama, Friday 25 is Christmas; 1 January
2027 (Friday) is New Year and Tuesday 5 January 2027 is Isra Mikraj. A deadline is missed
from the next *working* day after `due_on` (app/deadlines/rules.py).
"""

from __future__ import annotations

import threading
from datetime import date

import lokal
import pytest
from flask_babel import force_locale

from app.complaints.lifecycle import Action, Actor, act
from app.complaints.models import EventKind, Status
from app.deadlines import rules
from app.deadlines import sweep as sweep_module
from app.deadlines.sweep import sweep
from app.extensions import db as _db
from tests.deadlines.helpers import agency, at, complaint, events

pytestmark = pytest.mark.db

FRI_4_DEC = date(2026, 12, 4)
MON_7_DEC = date(2026, 12, 7)
WED_23_DEC = date(2026, 12, 23)
MON_28_DEC = date(2026, 12, 28)


@pytest.fixture
def ctx(app, db):
    with app.app_context(), force_locale("en"):
        yield
        _db.session.rollback()


def test_the_calendar_the_tests_rely_on():
    assert not lokal.is_working_day(date(2026, 12, 24))  # cuti bersama
    assert not lokal.is_working_day(date(2026, 12, 25))  # Christmas, a Friday
    assert not lokal.is_working_day(date(2027, 1, 1))
    assert not lokal.is_working_day(date(2027, 1, 5))
    assert lokal.is_working_day(MON_28_DEC)


def test_the_rule_a_deadline_is_missed_from_the_next_working_day():
    assert rules.cutoff(date(2026, 12, 6)) == FRI_4_DEC  # Sunday → the Friday before
    assert not rules.is_missed(FRI_4_DEC, date(2026, 12, 5))
    assert not rules.is_missed(FRI_4_DEC, date(2026, 12, 6))
    assert rules.is_missed(FRI_4_DEC, MON_7_DEC)
    for day in (24, 25, 26, 27):
        assert not rules.is_missed(WED_23_DEC, date(2026, 12, day))
    assert rules.is_missed(WED_23_DEC, MON_28_DEC)
    assert rules.working_days_late(WED_23_DEC, MON_28_DEC) == 1
    assert rules.working_days_late(FRI_4_DEC, date(2026, 12, 9)) == 3
    assert rules.working_days_late(FRI_4_DEC, FRI_4_DEC) == 0


def test_due_friday_is_not_overdue_at_the_weekend_but_is_on_monday(make_complaint, ctx, travel):
    travel(date(2026, 12, 1))
    code = make_complaint()[0]  # verification: 3 working days → Friday 4 December
    assert complaint(code).due_on == FRI_4_DEC
    for day in (FRI_4_DEC, date(2026, 12, 5), date(2026, 12, 6)):
        travel(day, hour=23)
        assert sweep().escalated == 0
    assert events(code, EventKind.ESCALATED) == []

    travel(MON_7_DEC, hour=0)  # just after midnight in Jakarta (still Sunday in UTC)
    result = sweep()
    assert (result.escalated, result.overdue) == (1, 1)
    _db.session.expire_all()
    c = complaint(code)
    assert c.escalated_on == MON_7_DEC and c.status is Status.RECEIVED
    [event] = events(code, EventKind.ESCALATED)
    assert event.actor_role == "system" and event.public and event.status is Status.RECEIVED
    assert str(EventKind.ESCALATED.title) == "The deadline passed: escalated to the supervisor"


def test_the_holidays_do_not_count(make_complaint, ctx, travel):
    travel(date(2026, 12, 18))  # Friday
    code = make_complaint()[0]
    assert complaint(code).due_on == WED_23_DEC  # Mon 21, Tue 22, Wed 23
    for day in (24, 25, 26, 27):  # cuti bersama, Christmas, weekend
        travel(date(2026, 12, day), hour=17)
        assert sweep().escalated == 0
    travel(MON_28_DEC)
    assert sweep().escalated == 1


def test_a_verification_deadline_spans_the_holidays(make_complaint, ctx, travel):
    travel(date(2026, 12, 21))
    code = make_complaint()[0]
    assert complaint(code).due_on == MON_28_DEC  # Tue 22, Wed 23, (24–27 off), Mon 28
    travel(MON_28_DEC, hour=23)
    assert sweep().escalated == 0
    travel(date(2026, 12, 29))
    assert sweep().escalated == 1


def test_sweeping_twice_writes_one_event(make_complaint, ctx, travel):
    travel(date(2026, 12, 1))
    code = make_complaint()[0]
    travel(MON_7_DEC)
    assert sweep().escalated == 1
    second = sweep()
    assert (second.escalated, second.skipped, second.overdue) == (0, 0, 1)
    travel(date(2026, 12, 8))  # the next day: the same missed deadline, still once
    assert sweep().escalated == 0
    assert len(events(code, EventKind.ESCALATED)) == 1


def test_a_new_deadline_missed_later_is_escalated_again(make_complaint, ctx, travel):
    travel(date(2026, 12, 1))
    code = make_complaint()[0]
    act(complaint(code), Action.DISPATCH, Actor.VERIFIER, agency=agency("PEMKOT3273"))
    _db.session.commit()
    assert complaint(code).due_on == date(2026, 12, 8)  # 5 working days

    travel(date(2026, 12, 9))
    assert sweep().escalated == 1
    _db.session.expire_all()
    c = complaint(code)
    act(c, Action.FORWARD, Actor.OFFICER, agency=agency("KEMENPU"), reason="Jalan nasional.")
    _db.session.commit()
    assert c.due_on == date(2026, 12, 16)  # the new agency's clock

    travel(date(2026, 12, 10))
    assert sweep().escalated == 0  # the new deadline has not passed
    travel(date(2026, 12, 16), hour=22)
    assert sweep().escalated == 0
    travel(date(2026, 12, 17))
    assert sweep().escalated == 1
    escalations = events(code, EventKind.ESCALATED)
    assert len(escalations) == 2
    assert escalations[1].agency_id == agency("KEMENPU").id  # the agency that missed it
    _db.session.expire_all()
    assert complaint(code).escalated_on == date(2026, 12, 17)


def test_needs_info_pauses_the_clock_so_it_is_never_overdue(make_complaint, ctx, travel):
    travel(date(2026, 12, 1))
    code = make_complaint()[0]
    act(complaint(code), Action.REQUEST_INFO, Actor.VERIFIER, reason="Di jalan mana?")
    _db.session.commit()
    travel(date(2027, 1, 29))
    result = sweep()
    assert (result.escalated, result.overdue) == (0, 0)
    assert complaint(code).status is Status.NEEDS_INFO and complaint(code).escalated_on is None


def _resolved_on(day: date, make_complaint, travel) -> str:
    travel(day)
    code = make_complaint()[0]
    c = complaint(code)
    act(c, Action.DISPATCH, Actor.VERIFIER, agency=agency("PEMKOT3273"))
    act(c, Action.RESOLVE, Actor.OFFICER, reason="Lubang sudah ditambal.")
    _db.session.commit()
    return code


def test_auto_close_after_ten_working_days_across_the_holidays(make_complaint, ctx, travel):
    code = _resolved_on(date(2026, 12, 18), make_complaint, travel)
    # 21, 22, 23, (24–27 off), 28, 29, 30, 31, (1 Jan–3 Jan off), 4, (5 off), 6, 7 January.
    assert complaint(code).due_on == date(2027, 1, 7)
    for day in (date(2026, 12, 31), date(2027, 1, 5), date(2027, 1, 7)):
        travel(day, hour=23)
        assert sweep().closed == 0
        assert complaint(code).status is Status.RESOLVED
    travel(date(2027, 1, 8), hour=0)
    result = sweep()
    assert result.closed == 1 and result.escalated == 0
    _db.session.expire_all()
    c = complaint(code)
    assert c.status is Status.CLOSED and c.due_on is None
    [closed] = events(code, EventKind.CLOSED)
    assert closed.actor_role == "system"
    assert sweep().closed == 0 and len(events(code, EventKind.CLOSED)) == 1


@pytest.mark.parametrize("answer", [Action.REOPEN, Action.CONFIRM])
def test_no_auto_close_once_the_reporter_answered(make_complaint, ctx, travel, answer):
    code = _resolved_on(date(2026, 12, 18), make_complaint, travel)
    travel(date(2026, 12, 21))
    act(complaint(code), answer, Actor.REPORTER, reason="Lubangnya masih ada.")
    _db.session.commit()
    travel(date(2027, 1, 11))
    assert sweep().closed == 0
    assert events(code, EventKind.CLOSED) == []
    expected = Status.REOPENED if answer is Action.REOPEN else Status.CLOSED
    assert complaint(code).status is expected


def test_a_reply_to_a_resolved_report_does_not_move_the_auto_close_day(make_complaint, ctx, travel):
    code = _resolved_on(date(2026, 12, 18), make_complaint, travel)
    travel(date(2027, 1, 6))
    act(complaint(code), Action.REPLY, Actor.REPORTER, reason="Terima kasih, saya cek dulu.")
    _db.session.commit()
    assert complaint(code).due_on == date(2027, 1, 7)


def test_after_the_first_response_the_resolution_limit_runs(make_complaint, ctx, travel, app):
    travel(date(2026, 12, 1))
    code = make_complaint()[0]
    act(complaint(code), Action.DISPATCH, Actor.VERIFIER, agency=agency("PEMKOT3273"))
    _db.session.commit()
    travel(date(2026, 12, 3))
    c = complaint(code)
    act(c, Action.RESPOND, Actor.OFFICER, reason="Tim kami meninjau lokasi.")
    _db.session.commit()
    resolution_due = lokal.add_working_days(date(2026, 12, 1), app.config["SLA_RESOLUTION_DAYS"])
    assert c.due_on == resolution_due  # counted from the dispatch, not from the response
    travel(date(2026, 12, 10))  # the first-answer deadline (8 December) is no longer the clock
    assert sweep().escalated == 0
    act(c, Action.RESPOND, Actor.OFFICER, reason="Perbaikan dijadwalkan.")
    _db.session.commit()
    assert c.due_on == resolution_due


def test_a_person_acting_while_the_sweep_runs_wins_and_the_sweep_skips(
    app, make_complaint, ctx, travel, monkeypatch
):
    code = _resolved_on(date(2026, 12, 18), make_complaint, travel)
    travel(date(2027, 1, 8))
    chosen, calls = sweep_module._ids, []

    def then_the_reporter_reopens(condition):
        ids = chosen(condition)
        calls.append(ids)
        if len(calls) == 2:  # the sweep has picked what to close; the reporter acts now
            with app.app_context():  # another session
                monkeypatch.setattr("app.complaints.lifecycle.may_still_reopen", lambda _c: True)
                act(complaint(code), Action.REOPEN, Actor.REPORTER, reason="Masih berlubang.")
                _db.session.commit()
        return ids

    monkeypatch.setattr(sweep_module, "_ids", then_the_reporter_reopens)
    result = sweep()
    assert calls[1] == [complaint(code).id]
    assert (result.closed, result.skipped, result.failed) == (0, 1, [])
    _db.session.expire_all()
    assert complaint(code).status is Status.REOPENED
    assert events(code, EventKind.CLOSED) == []


def test_a_failure_on_one_complaint_does_not_stop_the_others(
    make_complaint, ctx, travel, monkeypatch
):
    travel(date(2026, 12, 1))
    first, second = make_complaint()[0], make_complaint()[0]
    calls = []

    def listener(_sender, complaint, event):
        calls.append(complaint.tracking_code)
        if len(calls) == 1:
            raise RuntimeError("the outbox is broken")

    from app.complaints.signals import complaint_changed

    complaint_changed.connect(listener)
    try:
        travel(MON_7_DEC)
        result = sweep()
    finally:
        complaint_changed.disconnect(listener)
    assert result.escalated == 1 and len(result.failed) == 1
    escalated = [c for c in (first, second) if events(c, EventKind.ESCALATED)]
    assert len(escalated) == 1  # the failed one wrote nothing and waits for the next run
    travel(MON_7_DEC, hour=11)
    assert sweep().escalated == 1
    assert all(len(events(c, EventKind.ESCALATED)) == 1 for c in (first, second))


def test_concurrent_sweeps_write_each_event_once(app, make_complaint, db):
    with at(date(2026, 12, 1)):
        codes = [make_complaint()[0] for _ in range(12)]
    with at(date(2026, 12, 1)), app.app_context():
        for code in codes[:4]:  # these are resolved: the sweeps close them
            c = complaint(code)
            act(c, Action.DISPATCH, Actor.VERIFIER, agency=agency("PEMKOT3273"))
            act(c, Action.RESOLVE, Actor.OFFICER, reason="Selesai.")
        _db.session.commit()
    start = threading.Barrier(4)
    results, errors = [], []

    def run() -> None:
        try:
            with app.app_context():
                start.wait()
                results.append(sweep(date(2026, 12, 29)))
        except Exception as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == [] and all(not r.failed for r in results)
    assert sum(r.escalated for r in results) == 8
    assert sum(r.closed for r in results) == 4
    with app.app_context():
        for code in codes[4:]:
            assert len(events(code, EventKind.ESCALATED)) == 1
        for code in codes[:4]:
            assert len(events(code, EventKind.CLOSED)) == 1


def test_the_cli_prints_a_summary(app, make_complaint, db):
    with at(date(2026, 12, 1)):
        make_complaint()
    with at(MON_7_DEC):
        output = app.test_cli_runner().invoke(args=["sla", "sweep"]).output
        again = app.test_cli_runner().invoke(args=["sla", "sweep"]).output
    assert "2026-12-07: escalated 1, closed 0" in output and "overdue now 1" in output
    assert "escalated 0, closed 0" in again
