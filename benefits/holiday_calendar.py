"""The State Council's holiday schedule (国务院办公厅关于部分节假日安排的通知), read from the
maintained `chinesecalendar` package, which publishes each year's schedule once it is announced.

Pure data, no database: the loader (`services.holidays_load`) and the initial data migration
write it into the editable `Holiday` table that deadlines read.
"""

import datetime
from dataclasses import dataclass

CHINESE_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


@dataclass(frozen=True)
class OfficialDay:
    date: datetime.date
    name: str
    is_working_day: bool  # a make-up working day (调休上班), usually a weekend day


def _chinese(name: str) -> str:
    return CHINESE_NAMES.get(name, name)


def official_days(years: set[int] | None = None) -> list[OfficialDay]:
    """Every official holiday and make-up working day the package knows (of `years`, if given)."""
    import chinese_calendar

    days = [
        OfficialDay(day, _chinese(str(name)), False)
        for day, name in chinese_calendar.holidays.items()
        if years is None or day.year in years
    ]
    days += [
        OfficialDay(day, f"{_chinese(str(name))}调休上班", True)
        # `workdays` holds only the make-up days (weekend days worked); ordinary weekdays are implied.
        for day, name in chinese_calendar.workdays.items()
        if years is None or day.year in years
    ]
    return sorted(days, key=lambda d: d.date)


def package_version() -> str:
    import chinese_calendar

    return getattr(chinese_calendar, "__version__", "")
