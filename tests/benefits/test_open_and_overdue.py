"""The dashboard counts open and overdue cases in the database (`open_and_overdue`): it must say
the same as `overdue_of` case by case, for every step, programme, extension, upheld objection,
receipt by the county and standard (the year's, a case's snapshot with other numbers, a partial
one), on days around the holidays of the official calendar and around each cut-off day."""

import datetime
import random
from decimal import Decimal

import pytest
from django.utils import timezone

from benefits.models import IN_PROCEDURE, Application, ApplicationStatus, Programme, Standard
from benefits.rules.policy import DEADLINE_NUMBERS
from benefits.selectors import WorkingCalendar, open_and_overdue, overdue_of

pytestmark = pytest.mark.django_db

D = datetime.date
ZONE = timezone.get_fixed_timezone(8 * 60)
# Around the Spring Festival and the National Day week of 2026, a Monday after a weekend, a
# make-up working day, and a day in the new year (the next year's standard, none set).
ONS = [D(2026, 2, 24), D(2026, 3, 2), D(2026, 10, 8), D(2026, 10, 9), D(2026, 10, 12), D(2026, 11, 2), D(2027, 1, 4)]
FIELDS = (
    "township_id",
    "status",
    "programme",
    "accepted_at",
    "received_by_county_at",
    "objection_upheld_at",
    "deadline_extended",
    "standard_snapshot",
)
OTHER_STATUSES = [ApplicationStatus.DRAFT, ApplicationStatus.APPROVED, ApplicationStatus.REJECTED]


def _at(day: datetime.date, rng: random.Random) -> datetime.datetime:
    # Any hour of the local day: before 08:00 in Beijing is the day before in UTC.
    return datetime.datetime(day.year, day.month, day.day, rng.randrange(24), rng.randrange(60), tzinfo=ZONE)


def _snapshot(rng: random.Random) -> dict:
    kind = rng.choice(["none", "none", "full", "partial", "strings"])
    if kind == "none":
        return {}
    numbers = {name: rng.choice([3, 5, 10, 15, 20, 30, 45, 60]) for name in DEADLINE_NUMBERS}
    if kind == "partial":  # a snapshot older than some numbers: the year's standard for those
        numbers = {name: n for name, n in numbers.items() if rng.random() < 0.5}
    if kind == "strings":
        numbers = {name: str(n) for name, n in numbers.items()}
    return {"standard_id": 1, "year": 2025, "version": 2, "monthly_standard": "700.00", **numbers}


def _start_day(rng: random.Random, calendar: WorkingCalendar) -> datetime.date:
    on = rng.choice(ONS)
    if rng.random() < 0.5:  # on a cut-off day, or the day before or after it
        days = rng.choice([3, 5, 10, 15, 20, 30, 45, 60])
        return calendar.overdue_cutoff(days, on) + datetime.timedelta(days=rng.choice([-1, 0, 1]))
    return on - datetime.timedelta(days=rng.randrange(100))


def _cases(rng: random.Random, calendar: WorkingCalendar, households, actor, n: int) -> list[Application]:
    cases = []
    for _ in range(n):
        household = rng.choice(households)
        start = _start_day(rng, calendar)
        cases.append(
            Application(
                household=household,
                township_id=household.village.township_id,
                programme=rng.choice(list(Programme)),
                status=rng.choice([*sorted(IN_PROCEDURE)] * 3 + OTHER_STATUSES),
                applicant_name="王大山",
                created_by=actor,
                accepted_at=None if rng.random() < 0.03 else _at(start, rng),
                received_by_county_at=_at(start + datetime.timedelta(days=rng.randrange(30)), rng)
                if rng.random() < 0.5
                else None,
                objection_upheld_at=_at(start + datetime.timedelta(days=rng.randrange(40)), rng)
                if rng.random() < 0.3
                else None,
                deadline_extended=rng.random() < 0.3,
                standard_snapshot=_snapshot(rng),
            )
        )
    return cases


def test_open_and_overdue_agree_with_overdue_of_case_by_case(household_sunwu, household_chenqing, caseworker_sunwu):
    # This year's 特困 standard with its own numbers (the others: the model's defaults).
    Standard.objects.update_or_create(
        programme=Programme.TEKUN,
        year=2026,
        defaults={
            "monthly_standard": Decimal("700"),
            "investigation_start_days": 5,
            "decision_days": 20,
            "decision_days_extended": 40,
            "township_opinion_days": 10,
            "county_decision_days": 15,
            "objection_opinion_days": 12,
        },
    )
    rng = random.Random(19)
    calendar = WorkingCalendar()
    Application.objects.bulk_create(
        _cases(rng, calendar, [household_sunwu, household_chenqing], caseworker_sunwu, n=1500)
    )
    rows = list(Application.objects.values_list(*FIELDS))
    both = 0
    for on in ONS:
        expected: dict[int, list[int]] = {}
        for township_id, *fields in rows:
            case = dict(zip(FIELDS[1:], fields, strict=True))
            if case["status"] not in IN_PROCEDURE:
                continue
            counts = expected.setdefault(township_id, [0, 0])
            counts[0] += 1
            counts[1] += overdue_of(**case, on=on, calendar=calendar)
        got = open_and_overdue(Application.objects.all(), on=on, calendar=WorkingCalendar())
        assert got == {township: tuple(counts) for township, counts in expected.items()}, on
        both += all(0 < overdue < n for n, overdue in got.values())
    assert len(expected) == 2
    assert both >= 3  # on most days some cases are overdue and some not, in each township


def test_open_and_overdue_is_three_queries_however_many_cases(
    django_assert_num_queries, household_sunwu, household_chenqing, caseworker_sunwu
):
    rng = random.Random(7)
    on = D(2026, 10, 12)

    def count() -> dict:
        calendar = WorkingCalendar()
        # The year's standards of every programme, which numbers occur, the counts.
        with django_assert_num_queries(3):
            return open_and_overdue(Application.objects.all(), on=on, calendar=calendar)

    calendar = WorkingCalendar()
    # A few cases of one programme in one township, then many of every programme in both.
    Application.objects.bulk_create(
        [c for c in _cases(rng, calendar, [household_sunwu], caseworker_sunwu, n=20) if c.programme == Programme.DIBAO]
    )
    few = count()
    Application.objects.bulk_create(
        _cases(rng, calendar, [household_sunwu, household_chenqing], caseworker_sunwu, n=300)
    )
    many = count()
    assert sum(n for n, _overdue in many.values()) > sum(n for n, _overdue in few.values())


def test_no_open_case_counts_nothing(caseworker_sunwu):
    assert open_and_overdue(Application.objects.all(), on=D(2026, 10, 12), calendar=WorkingCalendar()) == {}
