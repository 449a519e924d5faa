"""Working days and months: deadlines and the months payments start and reviews fall due."""

import datetime
from collections.abc import Collection


def add_working_days(
    start: datetime.date,
    days: int,
    *,
    holidays: Collection[datetime.date] = (),
    make_up_days: Collection[datetime.date] = (),
) -> datetime.date:
    """The date `days` working days after `start` (weekends and holidays skipped, make-up days worked)."""

    def working(day: datetime.date) -> bool:
        if day in make_up_days:
            return True
        return day.weekday() < 5 and day not in holidays

    current = start
    remaining = days
    while remaining > 0:
        current += datetime.timedelta(days=1)
        if working(current):
            remaining -= 1
    return current


def next_month(day: datetime.date) -> datetime.date:
    """The first day of the month after `day` (payment starts the month after approval)."""
    return (day.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


def add_months(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    last_day = [
        31,
        29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28,
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ][month - 1]
    return datetime.date(year, month, min(day.day, last_day))
