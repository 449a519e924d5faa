"""The one date the whole system works on.

Every service, selector, page, task and rule that needs "today" calls `clock.today()` (import the
module, `from sunwu_relief import clock`, so that a moved clock moves everything at once). Tests
move it with the `clock` fixture; the demo builds its history with `clock.frozen_at(day)`.
Timestamps (`timezone.now()`) stay real: only the calendar day is moved.
"""

import datetime
from collections.abc import Iterator
from contextlib import contextmanager

from django.utils import timezone

_fixed: datetime.date | None = None


def today() -> datetime.date:
    return _fixed if _fixed is not None else timezone.localdate()


def current_month() -> datetime.date:
    return today().replace(day=1)


def set_today(day: datetime.date | None) -> None:
    """Fix the date (None: back to the real one). For tests and the demo builder only."""
    global _fixed
    _fixed = day


@contextmanager
def frozen_at(day: datetime.date) -> Iterator[None]:
    """`with clock.frozen_at(day): …`: the date is `day` inside, what it was before after."""
    before = _fixed
    set_today(day)
    try:
        yield
    finally:
        set_today(before)
