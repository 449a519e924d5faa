"""The dashboard counts overdue cases by cut-off days (`overdue_of`); the case pages list each
deadline's due date (`deadlines_of`). Both must say the same of every case, on every day, across
the holidays of the official calendar (the National Day week of 2026 here)."""

import datetime
import itertools

import pytest
from django.utils import timezone

from benefits.models import IN_PROCEDURE, ApplicationStatus, Programme
from benefits.selectors import WorkingCalendar, deadlines_of, overdue_of

pytestmark = pytest.mark.django_db

D = datetime.date
ZONE = timezone.get_fixed_timezone(8 * 60)


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=ZONE)


def test_overdue_of_agrees_with_every_deadline_of_deadlines_of():
    calendar = WorkingCalendar()
    starts = [D(2026, 9, 1) + datetime.timedelta(days=n) for n in range(0, 45, 3)]
    ons = [D(2026, 9, 20), D(2026, 10, 9), D(2026, 10, 12), D(2026, 11, 2)]
    checked = overdue = 0
    statuses = [*IN_PROCEDURE, ApplicationStatus.APPROVED]
    for status, programme, extended, upheld, received in itertools.product(
        statuses, [Programme.DIBAO, Programme.TEKUN], [False, True], [False, True], [False, True]
    ):
        for start, on in itertools.product(starts, ons):
            fields = {
                "status": status,
                "programme": programme,
                # Late in the evening in Beijing (the day before in UTC): the local day counts.
                "accepted_at": _at(start, 23),
                "received_by_county_at": _at(start + datetime.timedelta(days=5), 8) if received else None,
                "objection_upheld_at": _at(start + datetime.timedelta(days=2), 9) if upheld else None,
                "deadline_extended": extended,
                "standard_snapshot": {},
            }
            expected = any(d["overdue"] for d in deadlines_of(**fields, on=on, calendar=calendar))
            assert overdue_of(**fields, on=on, calendar=calendar) is expected, (fields, on)
            checked += 1
            overdue += expected
    assert checked == len(statuses) * 16 * len(starts) * len(ons)
    assert 0 < overdue < checked  # both outcomes were tried


def test_local_days_give_the_same_deadlines_as_the_times():
    calendar = WorkingCalendar()
    accepted = _at(D(2026, 9, 29), 23)
    as_times = deadlines_of(
        status=ApplicationStatus.ACCEPTED,
        programme=Programme.TEKUN,
        accepted_at=accepted,
        received_by_county_at=None,
        objection_upheld_at=None,
        deadline_extended=False,
        standard_snapshot={},
        on=D(2026, 10, 9),
        calendar=calendar,
    )
    as_days = deadlines_of(
        status=ApplicationStatus.ACCEPTED,
        programme=Programme.TEKUN,
        accepted_at=D(2026, 9, 29),
        received_by_county_at=None,
        objection_upheld_at=None,
        deadline_extended=False,
        standard_snapshot={},
        on=D(2026, 10, 9),
        calendar=calendar,
    )
    assert as_times == as_days
    assert [d["due"] for d in as_days][0] > D(2026, 10, 7)  # the holiday week is not counted
