"""The deadline tests' fixture: a clock frozen in Jakarta that a test can move."""

from __future__ import annotations

import pytest
import time_machine

from tests.deadlines.helpers import at


@pytest.fixture
def travel():
    """travel(day) freezes the clock there (Jakarta, 10:00) until the test ends or moves it."""
    current: list[time_machine.travel] = []

    def go(day, hour: int = 10) -> None:
        if current:
            current.pop().stop()
        traveller = at(day, hour)
        traveller.start()
        current.append(traveller)

    yield go
    if current:
        current.pop().stop()
