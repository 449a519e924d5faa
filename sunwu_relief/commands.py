"""What management commands share: reading their options."""

import datetime

from django.core.management.base import CommandError


def date_option(value: str | None, *, option: str = "--on") -> datetime.date | None:
    """An option's YYYY-MM-DD date (None when not given); a clear error for anything else."""
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"{option}: not a date (YYYY-MM-DD): {value}") from exc
