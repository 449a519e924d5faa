"""The date the benefits app works on: one place, so that tests and the demo can move it.

Call it as `clock.today()` (not `from .clock import today`), so that a test that replaces
`benefits.clock.today` moves every service, selector and page at once.
"""

import datetime

from django.utils import timezone


def today() -> datetime.date:
    return timezone.localdate()


def current_month() -> datetime.date:
    return today().replace(day=1)
