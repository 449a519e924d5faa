"""Benchmark: prepare and export a monthly 低保 payment batch of N households.

    .venv/bin/python bench/bench_payments.py --households 100000

Sets up its own database (a temporary SQLite file, migrated from scratch) and bulk-inserts N
households with a head, a running 低保 benefit (its granting decision) and a payee account (the
set-up is not measured: it writes rows directly, as no service would for 100,000 households).
Then it reports the time and database queries of `payment_batch_prepare` (the roll of the month,
one item per household), of a second prepare a month later (the arrears check over the paid
month), of `payment_batch_export` (the bank file), and beside it the time openpyxl's write-only
mode alone takes to write the same rows (the floor). Memory: the process's peak RSS after each
step (`resource.getrusage`, a high-water mark), and with `--tracemalloc` the peak of Python
allocations within each step (tracemalloc slows every step down: time it without). Not part of
the test suite.

    .venv/bin/python bench/bench_payments.py --households 100000 --tracemalloc
"""

import argparse
import datetime
import io
import os
import random
import resource
import sys
import tempfile
import time
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django(database: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sunwu_relief.settings")
    os.environ.pop("CELERY_BROKER_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


@contextmanager
def measure(name: str, *, trace: bool):
    """Time, queries and memory of one step; prints one line (the step adds its own figures)."""
    import tracemalloc

    from django.db import connection

    counter = {"n": 0, "extra": ""}

    def wrapper(execute, sql, params, many, context):
        counter["n"] += 1
        return execute(sql, params, many, context)

    if trace:
        tracemalloc.start()
        tracemalloc.reset_peak()
    started = time.perf_counter()
    with connection.execute_wrapper(wrapper):
        yield counter
    elapsed = time.perf_counter() - started
    peak = ""
    if trace:
        _current, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        peak = f", Python peak {top / 2**20:.0f} MB"
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{name}: {counter['extra']}{elapsed:.1f} s, {counter['n']} queries{peak}, process peak RSS so far {rss:.0f} MB"
    )
    counter["seconds"] = elapsed


@contextmanager
def count_queries():
    from django.db import connection

    counter = {"n": 0}

    def wrapper(execute, sql, params, many, context):
        counter["n"] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield counter


def luhn_number(rng: random.Random) -> str:
    body = "622848" + "".join(str(rng.randrange(10)) for _ in range(12))
    for check in "0123456789":
        digits = body + check
        total = sum(
            (int(c) * 2 - 9 if int(c) * 2 > 9 else int(c) * 2) if i % 2 else int(c)
            for i, c in enumerate(reversed(digits))
        )
        if total % 10 == 0:
            return digits
    raise AssertionError


def populate(count: int, seed: int, month: datetime.date) -> None:
    from django.db import transaction

    from bench.synthetic import iter_households
    from benefits.models import Bank, Benefit, BenefitChange, Payee
    from households.models import Household, Member, Township

    rng = random.Random(seed)
    bank = Bank.objects.get(name="中国农业银行")
    places = [(t, list(t.villages.all())) for t in Township.objects.order_by("code")]
    today = datetime.date(2026, 1, 1)
    batch_size = 5000
    people = iter_households(seed, count, today)
    done = 0
    while done < count:
        size = min(batch_size, count - done)
        with transaction.atomic():
            households, heads = [], []
            for i in range(size):
                township, villages = places[(done + i) % len(places)]
                person = next(people)[0]
                households.append(
                    Household(
                        number=f"B{done + i:08d}", township=township, village=villages[(done + i) % len(villages)]
                    )
                )
                heads.append(person)
            Household.objects.bulk_create(households)
            Member.objects.bulk_create(
                [
                    Member(
                        household=h,
                        name=p.name,
                        id_number=p.id_number,
                        sex="m",
                        birth_date=datetime.date(int(p.id_number[6:10]), 1, 1),
                        relationship="head",
                    )
                    for h, p in zip(households, heads, strict=True)
                ]
            )
            benefits = Benefit.objects.bulk_create(
                [
                    Benefit(
                        household=h,
                        township_id=h.township_id,
                        programme="dibao",
                        classification="general",
                        covered_count=1,
                        start_month=month,
                    )
                    for h in households
                ]
            )
            amounts = [Decimal(rng.randrange(100, 700)) for _ in benefits]
            BenefitChange.objects.bulk_create(
                [
                    BenefitChange(
                        benefit=b,
                        kind="grant",
                        effective_month=month,
                        old_status="",
                        new_status="active",
                        old_amount=Decimal("0"),
                        new_amount=a,
                        explanation=f"（480 - 收入）× 1 = {a}",
                    )
                    for b, a in zip(benefits, amounts, strict=True)
                ]
            )
            Payee.objects.bulk_create(
                [
                    Payee(
                        benefit=b,
                        township_id=b.township_id,
                        name=p.name,
                        id_number=p.id_number,
                        bank=bank,
                        account_number=luhn_number(rng),
                    )
                    for b, p in zip(benefits, heads, strict=True)
                ]
            )
        done += size


def openpyxl_alone(batch) -> float:
    """The same rows through openpyxl's write-only mode, values only (the floor for our export)."""
    from openpyxl import Workbook

    from benefits.payments.bankfile import HEADERS, ITEM_FIELDS, bank_row

    rows = [
        bank_row(batch, item)
        for item in batch.items.exclude(account_number="").order_by("seq").values_list(*ITEM_FIELDS)
    ]
    started = time.perf_counter()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("代发明细")
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    workbook.save(io.BytesIO())
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--tracemalloc", action="store_true", help="peak Python allocations per step (slower)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        setup_django(Path(folder) / "bench.sqlite3")
        from benefits.models import PaymentBatch
        from benefits.payments import services
        from sunwu_relief.roles import Role
        from tests.conftest import make_user

        month = datetime.date(2026, 1, 1)
        started = time.perf_counter()
        populate(args.households, args.seed, month)
        print(f"set-up: {args.households} households in {time.perf_counter() - started:.1f} s")
        maker = make_user("bench-maker", Role.BUREAU_REVIEWER)
        checker = make_user("bench-checker", Role.BUREAU_REVIEWER)

        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"process peak RSS after the set-up: {rss:.0f} MB")
        trace = args.tracemalloc

        with measure("prepare", trace=trace) as step:
            batch, _ = services.payment_batch_prepare(actor=maker, programme="dibao", month=month)
            step["extra"] = f"{batch.item_count} items, "
        services.payment_batch_approve(actor=checker, batch=batch)

        with measure("export", trace=trace) as step:
            count, total = services.payment_batch_export(actor=None, batch=batch, target=io.BytesIO())
            step["extra"] = f"{count} rows, {total} yuan, "
        export = step["seconds"]
        with measure("openpyxl write-only alone, same rows (the floor)", trace=trace) as step:
            alone = openpyxl_alone(PaymentBatch.objects.get(pk=batch.pk))
        print(f"export / openpyxl alone = {export / alone:.2f}")

        with measure("prepare next month (with the arrears check)", trace=trace) as step:
            later, _ = services.payment_batch_prepare(actor=maker, programme="dibao", month=datetime.date(2026, 2, 1))
            step["extra"] = f"{later.item_count} items, "


if __name__ == "__main__":
    main()
