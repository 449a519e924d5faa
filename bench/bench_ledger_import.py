"""Benchmark: import a synthetic registered-poor ledger (docs/interfaces.md §6) of N persons.

    .venv/bin/python bench/bench_ledger_import.py --rows 100000

Sets up its own database (a temporary SQLite file, migrated from scratch), writes the ledger with
openpyxl's write-only mode, then reports, beside the time openpyxl alone takes to stream the same
file (read-only, formulas kept, every cell touched): the import's rows per second, its database
queries, and memory (peak Python heap by tracemalloc on a second, all-unchanged import; peak RSS
of the process). Not part of the test suite.
"""

import argparse
import datetime
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from contextlib import contextmanager
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
def count_queries():
    from django.db import connection

    counter = {"n": 0}

    def wrapper(execute, sql, params, many, context):
        counter["n"] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield counter


def write_ledger(path: Path, persons: int, seed: int) -> int:
    from openpyxl import Workbook

    from bench.synthetic import iter_households
    from households.models import Township

    words = {"head": "户主", "spouse": "配偶", "son": "之子", "daughter": "之女", "father": "之父", "mother": "之母"}
    rng = random.Random(seed)
    places = [(t.name, list(t.villages.values_list("name", flat=True))) for t in Township.objects.order_by("code")]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("建档立卡贫困人口")
    sheet.append(["孙吴县建档立卡贫困人口台账"])
    sheet.append(
        [
            "户编号",
            "姓名",
            "身份证号",
            "与户主关系",
            "乡镇",
            "行政村",
            "家庭人口数",
            "贫困户属性",
            "脱贫状态",
            "脱贫年度",
            "主要致贫原因",
            "劳动能力",
            "健康状况",
        ]
    )
    written = 0
    for number, people in enumerate(iter_households(seed, persons, datetime.date(2026, 6, 1)), start=1):
        township, villages = rng.choice(places)
        village = rng.choice(villages)
        attribute = rng.choice(["一般贫困户", "低保贫困户", "特困供养贫困户"])
        out = rng.random() < 0.6
        for person in people:
            sheet.append(
                [
                    f"231124{number:08d}",
                    person.name,
                    person.id_number,
                    words[person.relationship],
                    township,
                    village,
                    len(people),
                    attribute,
                    "已脱贫" if out else "未脱贫",
                    rng.choice([2016, 2017, 2018, 2019, 2020]) if out else None,
                    rng.choice(["因病", "因残", "因学", "缺资金", "缺劳力"]),
                    rng.choice(["普通劳动力", "弱劳动力或半劳动力", "无劳动力"]),
                    rng.choice(["健康", "长期慢性病", "患有大病", "残疾"]),
                ]
            )
            written += 1
            if written >= persons:
                workbook.save(path)
                return written
    workbook.save(path)
    return written


def openpyxl_alone(path: Path) -> tuple[float, int]:
    from openpyxl import load_workbook

    started = time.perf_counter()
    workbook = load_workbook(path, read_only=True, data_only=False)
    rows = 0
    for row in workbook.worksheets[0].iter_rows():
        for cell in row:
            _ = cell.value
        rows += 1
    workbook.close()
    return time.perf_counter() - started, rows


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="persons in the ledger")
    parser.add_argument("--seed", type=int, default=2016)
    parser.add_argument("--tracemalloc", action="store_true", help="also trace the Python heap of a re-import (slow)")
    parser.add_argument("--write", metavar="PATH", help=argparse.SUPPRESS)  # internal: the generator's subprocess
    parser.add_argument("--database", metavar="PATH", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.write:
        setup_django(Path(args.database))
        print(write_ledger(Path(args.write), args.rows, args.seed))
        return

    with tempfile.TemporaryDirectory(prefix="bench-ledger-") as tmp:
        directory = Path(tmp)
        database = directory / "bench.sqlite3"
        ledger = directory / "ledger.xlsx"
        # The ledger is written by a subprocess, so that its memory does not count as the import's.
        started = time.perf_counter()
        out = subprocess.run(
            [
                sys.executable,
                __file__,
                "--rows",
                str(args.rows),
                "--seed",
                str(args.seed),
                "--write",
                str(ledger),
                "--database",
                str(database),
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        persons = int(out.stdout.strip().splitlines()[-1])
        written_in = time.perf_counter() - started
        setup_django(database)
        from django.db import connection

        from households.ledger import ledger_import_xlsx
        from households.models import LedgerRecord
        from sunwu_relief.authz import system

        size_mb = ledger.stat().st_size / 1024 / 1024
        baseline_rss = rss_mb()
        read_s, read_rows = openpyxl_alone(ledger)
        read_rss = rss_mb()

        with count_queries() as first_queries:
            started = time.perf_counter()
            first = ledger_import_xlsx(ledger, actor=system("command:bench_ledger_import"))
            first_s = time.perf_counter() - started
        first_rss = rss_mb()
        assert first.succeeded, [str(e) for e in first.errors[:5]]
        assert LedgerRecord.objects.count() == persons

        with count_queries() as second_queries:
            started = time.perf_counter()
            second = ledger_import_xlsx(ledger, actor=system("command:bench_ledger_import"), replace=True)
            second_s = time.perf_counter() - started
        second_rss = rss_mb()  # before tracemalloc, whose own bookkeeping is large
        assert second.succeeded
        assert second.unchanged == persons

        peak = None
        if args.tracemalloc:
            tracemalloc.start()
            ledger_import_xlsx(ledger, actor=system("command:bench_ledger_import"), dry_run=True)
            _current, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()

        print(
            f"ledger: {persons:,} persons, {size_mb:.1f} MB xlsx (generated in {written_in:.1f} s), database {connection.vendor}"
        )
        print()
        print(f"{'run':<40} {'seconds':>8} {'rows/s':>9} {'queries':>8} {'× openpyxl':>11} {'peak RSS MB':>12}")
        print(
            f"{'openpyxl alone (read-only stream)':<40} {read_s:>8.1f} {read_rows / read_s:>9,.0f} {'-':>8} {'1.0':>11} {read_rss:>12,.0f}"
        )
        print(
            f"{'import, all new':<40} {first_s:>8.1f} {persons / first_s:>9,.0f} {first_queries['n']:>8,} {first_s / read_s:>11.1f} {first_rss:>12,.0f}"
        )
        print(
            f"{'import again --replace (all unchanged)':<40} {second_s:>8.1f} {persons / second_s:>9,.0f} {second_queries['n']:>8,} {second_s / read_s:>11.1f} {second_rss:>12,.0f}"
        )
        print()
        print(f"process RSS before reading anything: {baseline_rss:,.0f} MB (Django and the app loaded)")
        if peak is not None:
            print(f"peak Python heap of a dry-run import (tracemalloc): {peak / 1024 / 1024:,.1f} MB")
        print(f"counts: first {first.counts}, second {second.counts}")


if __name__ == "__main__":
    main()
