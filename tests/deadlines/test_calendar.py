"""Working days past lokal-id's last year of public holidays: filing, dispatch and the sweep
keep working (Monday to Friday count), a warning is logged, and `flask sla calendar` says when
next year's holidays are due."""

from __future__ import annotations

import logging
from datetime import date, timedelta

import lokal
import pytest
from flask_babel import force_locale

from app import workdays
from app.complaints.lifecycle import Action, Actor, act
from app.extensions import db as _db
from tests.deadlines.helpers import agency, at, complaint

LAST = max(lokal.HOLIDAY_YEARS)  # the last year lokal-id has official holidays for
BEYOND = LAST + 1


def _monday(year: int) -> date:
    day = date(year, 1, 8)
    return day - timedelta(days=day.weekday())


def test_lokal_id_itself_refuses_a_year_it_has_no_holidays_for():
    with pytest.raises(ValueError):
        lokal.is_working_day(_monday(BEYOND))


def test_a_year_without_holidays_counts_monday_to_friday_and_says_so(caplog):
    workdays._warned.discard(BEYOND)
    monday = _monday(BEYOND)
    with caplog.at_level(logging.WARNING, logger="app.workdays"):
        assert workdays.is_working_day(monday)
        assert workdays.is_working_day(monday + timedelta(days=4))  # Friday
        assert not workdays.is_working_day(monday + timedelta(days=5))  # Saturday
    warnings = [r.getMessage() for r in caplog.records if r.name == "app.workdays"]
    assert len(warnings) == 1 and f"no public holidays for {BEYOND}" in warnings[0]
    assert workdays.count_working_days(monday, monday + timedelta(days=13)) == 10


def test_inside_lokal_ids_years_the_answers_are_lokal_ids():
    start = date(LAST - 1, 12, 1)
    for days in (1, 5, 10, 60):
        assert workdays.add_working_days(start, days) == lokal.add_working_days(start, days)
    end = date(LAST, 12, 31)
    assert workdays.count_working_days(start, end) == lokal.count_working_days(start, end)
    assert workdays.count_working_days(end, start) == 0


def test_a_deadline_can_reach_into_the_next_year():
    start = date(LAST, 12, 1)
    due = workdays.add_working_days(start, 60)
    assert due.year == BEYOND and due.weekday() < 5
    assert workdays.count_working_days(start + timedelta(days=1), due) == 60


@pytest.mark.db
def test_dispatch_in_november_sets_a_deadline_in_a_year_without_holidays(app, db, make_complaint):
    """60 working days for the resolution, from mid-November, end in the next year."""
    november = date(LAST, 11, 16)
    with at(november):
        code, _ = make_complaint()
    with at(november), app.app_context(), force_locale("en"):
        found = complaint(code)
        act(found, Action.DISPATCH, Actor.VERIFIER, agency=agency("PEMKOT3273"))
        act(found, Action.RESPOND, Actor.OFFICER, reason="Sedang dicek.")
        _db.session.commit()
        assert found.due_on.year == BEYOND
    with at(found.due_on + timedelta(days=7)):
        output = app.test_cli_runner().invoke(args=["sla", "sweep"]).output
    assert "escalated 1" in output and "failed 0" in output


@pytest.mark.db
@pytest.mark.parametrize(
    ("today", "fails", "says"),
    [
        (
            date(LAST, 3, 2),
            False,
            "public holidays known for " + ", ".join(map(str, sorted(lokal.HOLIDAY_YEARS))),
        ),
        (date(LAST, 9, 1), True, f"no public holidays for {BEYOND} yet"),
        (date(BEYOND, 1, 4), True, f"no public holidays for {BEYOND}: deadlines count"),
    ],
)
def test_the_calendar_check_for_cron(app, db, today, fails, says):
    with at(today):
        result = app.test_cli_runner().invoke(args=["sla", "calendar"])
    assert (result.exit_code != 0) is fails
    assert says in result.output
