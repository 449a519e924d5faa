"""Deadlines in working days: the holiday calendar, the standards whose numbers they use, which
deadlines apply to a case in each step, and whether it is overdue (re-exported by
`benefits.selectors`)."""

import datetime
import functools
import itertools
import json
import operator

from django.db.models import Case, Count, DateField, IntegerField, Q, Value, When
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from .models import IN_PROCEDURE, Application, Holiday, Programme, Standard
from .models import ApplicationStatus as S
from .rules import add_working_days, deadline_numbers


def standard_for(programme: str, year: int) -> Standard | None:
    """The standard in force for a programme in a year (the latest year not after it)."""
    return Standard.objects.filter(programme=programme, year__lte=year).order_by("-year").first()


class WorkingCalendar:
    """Working-day deadlines and the standards they use, loaded once for a page or a report
    instead of once per deadline (the holiday table is small: a few dozen days a year)."""

    def __init__(self) -> None:
        rows = list(Holiday.objects.values_list("date", "is_working_day"))
        self.holidays = {day for day, working in rows if not working}
        self.make_up_days = {day for day, working in rows if working}
        self._standards: dict[tuple[str, int], Standard | None] = {}
        self._all_standards: list[Standard] | None = None
        self._deadlines: dict[tuple[datetime.date, int], datetime.date] = {}
        self._numbers: dict[tuple[str, int, str], dict[str, int]] = {}
        self._timezone = timezone.get_current_timezone()
        self._labels: dict[str, str] = {}
        self._cutoffs: dict[tuple, datetime.date] = {}

    def localdate(self, value: datetime.datetime | datetime.date) -> datetime.date:
        """`timezone.localdate`, with the time zone read once for the calendar's page or report;
        a day already (a report that read the local days in the database) is that day."""
        if not isinstance(value, datetime.datetime):
            return value
        return timezone.localdate(value, self._timezone)

    def label(self, text: str) -> str:
        """A deadline's label, translated once per calendar (a report lists thousands)."""
        if text not in self._labels:
            self._labels[text] = _(text)
        return self._labels[text]

    def deadline(self, start: datetime.date, days: int) -> datetime.date:
        # Many cases share a start day: each (day, days) is counted once per calendar.
        key = (start, days)
        if key not in self._deadlines:
            self._deadlines[key] = add_working_days(start, days, holidays=self.holidays, make_up_days=self.make_up_days)
        return self._deadlines[key]

    def deadline_numbers(self, programme: str, year: int, snapshot: dict) -> dict[str, int]:
        """`rules.deadline_numbers` of the year's standard and a case's snapshot, once per kind."""
        key = (programme, year, json.dumps(snapshot, sort_keys=True, default=str) if snapshot else "")
        if key not in self._numbers:
            self._numbers[key] = deadline_numbers(snapshot=snapshot, standard=self.standard(programme, year))
        return self._numbers[key]

    def last_overdue_start(self, *, days: int, today: datetime.date) -> datetime.date:
        """The last day from which a deadline of `days` working days has already passed by `today`:
        cases started on or before it are overdue (one cut-off date for a whole queue, instead of
        every case's deadline; deadlines never move backwards in time)."""
        # A deadline is at least `days` days after its start: the walk starts before those.
        day = today - datetime.timedelta(days=max(days, 0) + 1)
        while self.deadline(day, days) >= today:
            day -= datetime.timedelta(days=1)
        return day

    def overdue_cutoff(self, days: int, today: datetime.date) -> datetime.date:
        """`last_overdue_start`, once per (days, today) for the calendar."""
        key = ("cutoff", days, today)
        if key not in self._cutoffs:
            self._cutoffs[key] = self.last_overdue_start(days=days, today=today)
        return self._cutoffs[key]

    def load_standards(self) -> None:
        """Every standard, read once per calendar (one query, however many programmes and years
        its cases have: a few rows per programme and year)."""
        if self._all_standards is None:
            self._all_standards = list(Standard.objects.order_by("-year"))

    def standard(self, programme: str, year: int) -> Standard | None:
        """`standard_for`'s rule (the latest year not after `year`), from `load_standards`."""
        if (programme, year) not in self._standards:
            self.load_standards()
            self._standards[(programme, year)] = next(
                (s for s in self._all_standards if s.programme == programme and s.year <= year), None
            )
        return self._standards[(programme, year)]


def working_day_deadline(start: datetime.date, days: int) -> datetime.date:
    return WorkingCalendar().deadline(start, days)


_BEFORE_TOWNSHIP_OPINION = frozenset({S.ACCEPTED, S.INVESTIGATING, S.EVALUATING, S.TOWNSHIP_REVIEW})


def application_deadlines(
    application: Application, *, on: datetime.date, calendar: WorkingCalendar | None = None
) -> list[dict]:
    """Deadlines that apply now (docs/rules.md), each with its due date and whether it is overdue.
    Pass one `calendar` when listing many applications."""
    return deadlines_of(
        status=application.status,
        programme=application.programme,
        accepted_at=application.accepted_at,
        received_by_county_at=application.received_by_county_at,
        objection_upheld_at=application.objection_upheld_at,
        deadline_extended=application.deadline_extended,
        standard_snapshot=application.standard_snapshot,
        on=on,
        calendar=calendar,
    )


def _deadline_specs(
    *,
    status: str,
    programme: str,
    received: bool,
    upheld: bool,
    deadline_extended: bool,
) -> list[tuple[str, str, str]]:
    """The deadlines that apply to a case now (docs/rules.md): (label, the time it runs from,
    the policy number of its working days). The one place that says which apply when."""
    specs = []
    if status == S.ACCEPTED:
        specs.append((gettext_noop("Investigation starts"), "accepted_at", "investigation_start_days"))
    if upheld and status in _BEFORE_TOWNSHIP_OPINION:
        # An upheld objection restarts the township's work: its new opinion is due from that day.
        specs.append(
            (
                gettext_noop("New township opinion after the upheld objection"),
                "objection_upheld_at",
                "objection_opinion_days",
            )
        )
    elif programme == Programme.TEKUN and status in _BEFORE_TOWNSHIP_OPINION:
        specs.append((gettext_noop("Township opinion"), "accepted_at", "township_opinion_days"))
    if status == S.COUNTY_REVIEW and received:
        specs.append((gettext_noop("County decision"), "received_by_county_at", "county_decision_days"))
    if deadline_extended:
        specs.append((gettext_noop("Decision (extended)"), "accepted_at", "decision_days_extended"))
    else:
        specs.append((gettext_noop("Decision"), "accepted_at", "decision_days"))
    return specs


def _applying(
    *,
    status: str,
    programme: str,
    accepted_at: datetime.datetime | datetime.date | None,
    received_by_county_at: datetime.datetime | datetime.date | None,
    objection_upheld_at: datetime.datetime | datetime.date | None,
    deadline_extended: bool,
    standard_snapshot: dict | None,
    on: datetime.date,
    calendar: WorkingCalendar,
) -> list[tuple[str, datetime.date, int]]:
    """(label, the local day it runs from, its working days) of each deadline that applies."""
    if accepted_at is None or status not in IN_PROCEDURE:
        return []
    times = {
        "accepted_at": accepted_at,
        "received_by_county_at": received_by_county_at,
        "objection_upheld_at": objection_upheld_at,
    }
    specs = _deadline_specs(
        status=status,
        programme=programme,
        received=received_by_county_at is not None,
        upheld=objection_upheld_at is not None,
        deadline_extended=deadline_extended,
    )
    numbers = calendar.deadline_numbers(programme, on.year, standard_snapshot or {})
    return [(label, calendar.localdate(times[start]), numbers[days]) for label, start, days in specs]


def deadlines_of(*, on: datetime.date, calendar: WorkingCalendar | None = None, **case) -> list[dict]:
    """`application_deadlines` from an application's fields (`_applying`'s: a report reads them
    as plain rows; its times may be given as the local days they fall on)."""
    calendar = calendar or WorkingCalendar()
    deadlines = []
    for label, start, days in _applying(**case, on=on, calendar=calendar):
        due = calendar.deadline(start, days)
        deadlines.append({"label": calendar.label(label), "due": due, "overdue": due < on})
    return deadlines


def overdue_of(*, on: datetime.date, calendar: WorkingCalendar, **case) -> bool:
    """Whether any of `deadlines_of` is overdue on `on`, for counting thousands of cases: each
    deadline compares its start day with one cut-off per number of days
    (`WorkingCalendar.last_overdue_start`), instead of counting out its due date."""
    return any(
        start <= calendar.overdue_cutoff(days, on)
        for _label, start, days in _applying(**case, on=on, calendar=calendar)
    )


# Counting overdue cases in the database (the dashboard's 10,000 open cases) -------------------

_START_FIELDS = ("accepted_at", "received_by_county_at", "objection_upheld_at")
_FLAGS = ("received", "upheld", "deadline_extended")


@functools.cache
def _spec_conditions() -> dict[tuple[str, str], Q]:
    """For each deadline (the time it runs from, the policy number of its days), the open cases
    it applies to, as a condition on their fields: read off `_deadline_specs` over every step,
    programme and flag (the one place that says which apply when), each flag that does not
    change the answer dropped, the steps of the same programmes taken together."""
    combos = list(itertools.product(sorted(IN_PROCEDURE), sorted(Programme), *([False, True],) * len(_FLAGS)))
    applies: dict[tuple[str, str], set] = {}
    for combo in combos:
        status, programme, received, upheld, extended = combo
        for _label, start, days in _deadline_specs(
            status=status, programme=programme, received=received, upheld=upheld, deadline_extended=extended
        ):
            applies.setdefault((start, days), set()).add(combo)
    fields = {
        "received": lambda value: Q(received_by_county_at__isnull=not value),
        "upheld": lambda value: Q(objection_upheld_at__isnull=not value),
        "deadline_extended": lambda value: Q(deadline_extended=value),
    }
    conditions = {}
    for spec, cases in applies.items():
        relevant = [
            i
            for i in range(len(_FLAGS))
            if any((c[: 2 + i] + (not c[2 + i],) + c[3 + i :] in cases) != (c in cases) for c in combos)
        ]
        programmes_of: dict[tuple, set] = {}
        for status, programme, *flags in cases:
            programmes_of.setdefault((status, *(flags[i] for i in relevant)), set()).add(programme)
        statuses_of: dict[tuple, set] = {}
        for (status, *flags), programmes in programmes_of.items():
            statuses_of.setdefault((frozenset(programmes), *flags), set()).add(status)
        terms = []
        for (programmes, *flags), statuses in statuses_of.items():
            # (`Q()` would vanish in the OR below: "every open case" is said as a condition.)
            term = Q(status__in=sorted(statuses))
            if programmes != set(Programme):
                term &= Q(programme__in=sorted(programmes))
            for i, value in zip(relevant, flags, strict=True):
                term &= fields[_FLAGS[i]](value)
            terms.append(term)
        conditions[spec] = functools.reduce(operator.or_, terms)
    return conditions


def _cutoff_of(name: str, cutoffs: dict[tuple, datetime.date]):
    """The cut-off day of a case's number `name` (annotated `<name>_snap`: its snapshot's value,
    else null and the programme's standard applies): one day, or a CASE of the few that occur."""
    if len(set(cutoffs.values())) == 1:
        return Value(next(iter(cutoffs.values())))
    whens = [
        When(
            Q(**{f"{name}_snap": value})
            if value is not None
            else Q(**{f"{name}_snap__isnull": True}, programme=programme),
            then=Value(day),
        )
        for (value, programme), day in cutoffs.items()
    ]
    return Case(*whens, output_field=DateField())


def open_and_overdue(applications, *, on: datetime.date, calendar: WorkingCalendar) -> dict[int, tuple[int, int]]:
    """Per township: how many of `applications` are open (in procedure) and how many of those are
    overdue on `on`, the same as counting `overdue_of` case by case, in three queries whatever
    their number (the year's standards, once per calendar; which numbers of days occur; the
    counts). A case is overdue when the local day a deadline runs from is on or before the
    cut-off of its number of days (`WorkingCalendar.overdue_cutoff`); the days are the case's
    snapshot's, else the year's standard's (`deadline_numbers`): the counting query compares each
    case's start days with the cut-off of its days (a CASE of the few that occur)."""
    open_cases = applications.filter(status__in=IN_PROCEDURE).order_by()
    names = sorted({days for _start, days in _spec_conditions()})
    snapshot = {f"{name}_snap": Cast(KT(f"standard_snapshot__{name}"), IntegerField()) for name in names}
    kinds = open_cases.filter(accepted_at__isnull=False).annotate(**snapshot)
    kinds = kinds.values_list("programme", *snapshot).distinct()
    calendar.load_standards()
    # Per number: (the snapshot's value, or None and the programme) -> the cut-off of its days.
    cutoffs: dict[str, dict[tuple, datetime.date]] = {name: {} for name in names}
    for programme, *values in kinds:
        given = {name: value for name, value in zip(names, values, strict=True) if value is not None}
        numbers = calendar.deadline_numbers(programme, on.year, given)
        for name, value in zip(names, values, strict=True):
            key = (value, None) if value is not None else (None, programme)
            cutoffs[name][key] = calendar.overdue_cutoff(numbers[name], on)
    terms = []
    for (start, name), applies in _spec_conditions().items():
        if cutoffs[name]:
            terms.append(applies & Q(**{f"{start}_day__lte": _cutoff_of(name, cutoffs[name])}))
    days = {f"{name}_day": TruncDate(name, tzinfo=calendar._timezone) for name in _START_FIELDS}
    overdue = (
        Count("id", filter=Q(accepted_at__isnull=False) & functools.reduce(operator.or_, terms)) if terms else Value(0)
    )
    rows = open_cases.annotate(**snapshot, **days).values("township_id").annotate(open=Count("id"), overdue=overdue)
    return {row["township_id"]: (row["open"], row["overdue"]) for row in rows}
