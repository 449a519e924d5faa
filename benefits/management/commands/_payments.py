"""What the payment commands share: the month, the user and the batch by programme and month."""

import datetime

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from benefits.models import PaymentBatch
from benefits.payments.selectors import batch_totals
from sunwu_relief.errors import DomainError


def parse_month(value: str) -> datetime.date:
    try:
        return datetime.datetime.strptime(value, "%Y-%m").date()  # noqa: DTZ007  (a calendar month, no time)
    except ValueError as exc:
        raise CommandError(f"--month must be YYYY-MM, got {value!r}") from exc


def user_named(username: str):
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"unknown user {username!r}")
    return user


def batch_of(programme: str, month: datetime.date) -> PaymentBatch:
    batch = PaymentBatch.objects.filter(programme=programme, month=month).first()
    if batch is None:
        raise CommandError(f"no {programme} batch for {month:%Y-%m}; prepare it first (prepare_payments)")
    return batch


def domain_error(exc: DomainError) -> CommandError:
    codes = ", ".join(exc.codes)
    return CommandError(f"{exc.message} [{codes}]")


def totals_lines(batch: PaymentBatch) -> list[str]:
    lines = []
    households = persons = 0
    total = 0
    for row in batch_totals(batch):
        lines.append(f"{row.township}: {row.households} households, {row.persons} persons, {row.total} yuan")
        households += row.households
        persons += row.persons
        total += row.total
    lines.append(f"total: {households} households, {persons} persons, {total} yuan")
    return lines
