"""`make bench`: the jobs of the issue "Scale and speed" at county scale on PostgreSQL, each beside
its floor measured in the same run, written to bench/results.md.

    .venv/bin/python bench/run.py [--scale county|province|small] [--database URL] [--reuse] [--runs 3]
        [--jobs reconcile,…,http,workers] [--workers 1,2,4] [--broker redis://127.0.0.1:6379/10]

The database (default postgres://postgres@127.0.0.1:5432/sunwu_bench) is dropped, created,
migrated (or copied from `--template`, a migrated empty database) and filled by bench/scale.py;
`--reuse` measures an already generated one. Each job then runs in its own process (so that its
peak RSS is its own): ≥ 3 runs alternated with its floor, the median of each, their ratio, the
job's queries and the process's peak RSS (`resource.getrusage`). The API is served by gunicorn
(`-w 2`, bench/http_settings.py) and driven by a small threaded client, against bare Django views
of the same page (bench/http_urls.py). `--scale province` (≈1,000,000 persons) is not run in CI.
The `pages` job (bench/bench_pages.py) asks every HTML page of the URLconf as every role that
may open it (the access matrix's rows and objects), in-process, and lists the slowest.
`workers` (in the default list; it needs Redis at `--broker`) times the jobs split by township
with 1, 2 and 4 real Celery worker processes (bench/bench_workers.py) and adds the worker-scaling
table. `--jobs` names a subset.
Not part of the test suite.
"""

import argparse
import datetime
import json
import os
import platform
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PYTHON = sys.executable
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/sunwu_bench"


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def setup_django() -> None:
    # Production settings (DEBUG off), served over plain HTTP to the benchmark only.
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-never-deployed")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
    os.environ.setdefault("API_THROTTLE_RATE", "1000000/min")
    # The dashboard is measured, not the second factor of the bureau's log-in (force_login).
    os.environ.setdefault("OTP_REQUIRED", "false")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sunwu_relief.settings")
    os.environ.pop("CELERY_BROKER_URL", None)
    import django

    django.setup()


@contextmanager
def count_queries():
    from django.db import connection

    counter = {"n": 0, "seconds": 0.0}

    def wrapper(execute, sql, params, many, context):
        counter["n"] += 1
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            counter["seconds"] += time.perf_counter() - started

    with connection.execute_wrapper(wrapper):
        yield counter


class Rollback(Exception):
    pass


@contextmanager
def rolled_back():
    """Run a job that writes, then undo it (so that every run starts from the same data)."""
    from django.db import transaction

    try:
        with transaction.atomic():
            yield
            raise Rollback
    except Rollback:
        pass


def alternate(job, floor, runs: int) -> dict:
    """`runs` × (floor, job), timed; the job's queries of its last run."""
    job_times, floor_times, queries = [], [], 0
    for _ in range(runs):
        floor_times.append(floor())
        with count_queries() as counter:
            job_times.append(job())
        queries = counter["n"]
    return {"job": job_times, "floor": floor_times, "queries": queries}


def bureau_user():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="bench-bureau")


def township_user():
    """A caseworker of the largest township (made on first use): the API's township-scoped caller."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count

    from households.models import Township
    from sunwu_relief.roles import Role
    from tests.conftest import make_user

    found = get_user_model().objects.filter(username="bench-township").first()
    if found is not None:
        return found
    township = Township.objects.annotate(n=Count("households")).order_by("-n", "code").first()
    return make_user("bench-township", Role.CASEWORKER, township)


# The jobs (each runs in its own process: `run.py --job NAME`) ---------------------------------


def job_reconcile(runs: int) -> dict:
    from django.db import connection

    from audits.services import reconciliation_run
    from sunwu_relief.authz import system

    actor = system("command:bench")
    # The findings and the parts' fingerprints exist (the first run on a fresh database computes
    # everything: in a process of its own, so that its memory is not this one's); every run after
    # this changes nothing. The job's own peak is read before the floor (a fetched join) runs.
    subprocess.run([PYTHON, "manage.py", "reconcile"], cwd=ROOT, check=True, capture_output=True)
    reconciliation_run(actor=actor)
    vacuum(os.environ["DATABASE_URL"], "audits_finding", "audits_findingevent", "audits_reconciliationunit")
    own_rss = rss_mb()

    def floor() -> float:
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT l.id_number, l.name, l.household_number, l.relationship, l.poverty_status, l.exit_year,"
                " l.township_id, m.id_number, m.name, m.household_id, m.relationship"
                " FROM households_ledgerrecord l FULL OUTER JOIN households_member m"
                " ON m.id_number = l.id_number AND m.removed_on IS NULL WHERE l.removed IS NOT TRUE"
            )
            rows = cursor.fetchall()
        del rows
        return time.perf_counter() - started

    written = {}

    def job() -> float:
        from audits.models import Finding, FindingEvent

        before = (Finding.objects.count(), FindingEvent.objects.count())
        started = time.perf_counter()
        result = reconciliation_run(actor=actor)
        elapsed = time.perf_counter() - started
        written.update(
            new=sum(result.new.values()),
            cleared=result.cleared,
            reopened=result.reopened,
            events=FindingEvent.objects.count() - before[1],
        )
        return elapsed

    out = alternate(job, floor, runs)
    out["note"] = (
        f"floor: one SQL full outer join of the ledger and the registry, fetched; "
        f"a run changed nothing: {written.get('new')} new, {written.get('cleared')} cleared, "
        f"{written.get('reopened')} reopened, {written.get('events')} events; "
        f"the job's own peak RSS {own_rss:.0f} MB (before the floor's fetch raised the process's)"
    )
    return out


def job_spot_check(runs: int) -> dict:
    import random

    from audits.models import SpotCheckBatch, SpotCheckItem
    from audits.rules import draw_sample, hash_programme
    from audits.services import spot_check_draw
    from benefits.models import Application, ApplicationStatus, Standard
    from sunwu_relief.authz import system

    actor = system("command:bench")
    ratio = Standard.objects.filter(programme="dibao").order_by("-year").first().spot_check_ratio
    candidates = Application.objects.filter(status=ApplicationStatus.COUNTY_REVIEW, spot_check__isnull=True).count()

    def floor() -> float:
        """One candidate query, the draw, one insert, one update (rolled back)."""
        with rolled_back():
            started = time.perf_counter()
            batch_id = SpotCheckBatch.objects.create(seed=1).pk
            rows = list(
                Application.objects.select_for_update(of=("self",))
                .filter(status=ApplicationStatus.COUNTY_REVIEW, spot_check__isnull=True)
                .order_by("pk")
                .values_list("pk", "township_id", "programme", "filed")
            )
            groups: dict = {}
            for pk, township_id, programme, filed in rows:
                groups.setdefault((township_id, programme), []).append((str(pk), filed))
            drawn: set[str] = set()
            for (township_id, programme), members in groups.items():
                drawn |= set(
                    draw_sample(
                        [pk for pk, _ in members],
                        ratio=ratio,
                        seed=1 ^ township_id ^ hash_programme(programme),
                        always={pk for pk, filed in members if filed},
                    )
                )
            SpotCheckItem.objects.bulk_create(
                [
                    SpotCheckItem(
                        batch_id=batch_id,
                        application_id=int(pk),
                        township_id=township_id,
                        drawn=pk in drawn,
                        always_reasons=[],
                    )
                    for pk, township_id, _programme, _filed in ((str(r[0]), r[1], r[2], r[3]) for r in rows)
                ]
            )
            Application.objects.filter(pk__in=[int(pk) for pk in drawn]).update(spot_check_required=True)
            return time.perf_counter() - started

    def job() -> float:
        with rolled_back():
            started = time.perf_counter()
            spot_check_draw(actor=actor, seed=random.randrange(2**31))
            return time.perf_counter() - started

    out = alternate(job, floor, runs)
    out["note"] = f"{candidates:,} applications in county review, rolled back after each run"
    return out


def job_reverification(runs: int) -> dict:
    import json as json_module

    from django.db import connection
    from psycopg2.extras import execute_values

    from bench.bench_workers import DEFAULT_DUE, due_day
    from benefits.models import Benefit, BenefitStatus
    from benefits.reviews.services import REVIEWED_PROGRAMMES, reviews_open_due
    from sunwu_relief import clock
    from sunwu_relief.authz import system

    actor = system("command:bench")
    on = due_day(DEFAULT_DUE)
    today = clock.today()
    opened = {}

    def floor() -> float:
        """One query of the due benefits without an unfinished review, and one multi-row INSERT
        each of the same review rows and of their audit events (psycopg2's execute_values, no
        Django), rolled back."""
        with rolled_back():
            started = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT b.id, b.household_id, b.township_id, b.next_review_due FROM benefits_benefit b"
                    " WHERE b.programme = ANY(%s) AND b.status = %s AND (b.next_review_due <= %s OR EXISTS"
                    " (SELECT 1 FROM audits_finding f WHERE f.household_id = b.household_id AND f.kind = %s"
                    " AND f.status = 'open')) AND NOT EXISTS"
                    " (SELECT 1 FROM benefits_review r WHERE r.benefit_id = b.id AND r.status = ANY(%s))"
                    " ORDER BY b.township_id, b.next_review_due, b.id",
                    [
                        list(REVIEWED_PROGRAMMES),
                        BenefitStatus.ACTIVE,
                        on,
                        "covered_out_of_poverty",
                        ["open", "township_review", "county_review"],
                    ],
                )
                due = cursor.fetchall()
                now = datetime.datetime.now(datetime.UTC)
                reasons = json_module.dumps([{"code": "scheduled", "note": "", "on": today.isoformat()}])
                rows = [
                    (
                        pk,
                        household,
                        township,
                        "scheduled",
                        reasons,
                        False,
                        due_on,
                        due_on + datetime.timedelta(days=30),
                        "open",
                        "",
                        "",
                        "",
                        "",
                        "",
                        "",
                        now,
                    )
                    for pk, household, township, due_on in due
                ]
                ids = execute_values(
                    cursor.cursor,
                    "INSERT INTO benefits_review (benefit_id, household_id, township_id, reason, reasons, priority,"
                    " due_on, complete_by, status, outcome, explanation, outcome_reason_code, note, checker_name,"
                    " household_signatory, opened) VALUES %s RETURNING id",
                    rows,
                    page_size=len(rows),
                    fetch=True,
                )
                events = [
                    (
                        now,
                        "review.open",
                        "benefits.review",
                        str(review_id),
                        township,
                        json_module.dumps(
                            {"reason": "scheduled", "benefit": pk, "due_on": due_on.isoformat(), "system": actor.reason}
                        ),
                    )
                    for (review_id,), (pk, _household, township, due_on) in zip(ids, due, strict=True)
                ]
                execute_values(
                    cursor.cursor,
                    "INSERT INTO sunwu_relief_auditevent (created, action, object_type, object_id, township_id,"
                    " success, detail) VALUES %s",
                    [(*event[:5], True, event[5]) for event in events],
                    page_size=len(events),
                )
            return time.perf_counter() - started

    def job() -> float:
        with rolled_back():
            started = time.perf_counter()
            counts = reviews_open_due(actor=actor, on=on)
            elapsed = time.perf_counter() - started
            opened["opened"] = sum(row["opened"] for row in counts.values())
            return elapsed

    due = Benefit.objects.filter(
        programme__in=REVIEWED_PROGRAMMES, status=BenefitStatus.ACTIVE, next_review_due__lte=on
    )
    out = alternate(job, floor, runs)
    out["note"] = (
        f"the daily run on {on}: {opened.get('opened', 0):,} reviews opened ({due.count():,} benefits due, and the"
        " households the open out-of-poverty findings name) with their audit events, rolled back after each run;"
        " floor: one query of the same benefits (due, or of a household with an open out-of-poverty finding)"
        " without an open review, one multi-row INSERT of the same review rows and one of their events"
        " (psycopg2 execute_values)"
    )
    return out


def job_dashboard(runs: int) -> dict:
    from django.test import Client

    client = Client()
    client.force_login(bureau_user())

    def job() -> float:
        started = time.perf_counter()
        response = client.get("/")
        assert response.status_code == 200, response.status_code
        return time.perf_counter() - started

    def floor() -> float:
        started = time.perf_counter()
        response = client.get("/public/")  # a page of the same stack that reads almost nothing
        assert response.status_code == 200, response.status_code
        return time.perf_counter() - started

    job()  # warm the templates and the caches once
    out = alternate(job, floor, runs)
    out["note"] = "the bureau reviewer's dashboard (Django test client, in-process); floor: /public/ (reads no cases)"
    return out


def _ledger_file(path: Path) -> int:
    """The database's ledger as the poverty office would send it back unchanged."""
    from openpyxl import Workbook

    from households.ledger import HEADERS, LEDGER_WORDS
    from households.models import LedgerRecord, Township, Village

    townships = dict(Township.objects.values_list("pk", "name"))
    villages = dict(Village.objects.values_list("pk", "name"))
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("建档立卡贫困人口")
    sheet.append(["孙吴县建档立卡贫困人口台账"])
    sheet.append(list(HEADERS.values()))
    count = 0
    for record in LedgerRecord.objects.filter(removed=False).order_by("household_number", "id").iterator(5000):
        sheet.append(
            [
                record.household_number,
                record.name,
                record.id_number,
                LEDGER_WORDS["relationship"][record.relationship],
                townships[record.township_id],
                villages[record.village_id],
                record.household_size,
                LEDGER_WORDS["poverty_attribute"][record.poverty_attribute],
                LEDGER_WORDS["poverty_status"][record.poverty_status],
                record.exit_year,
                LEDGER_WORDS["poverty_cause"].get(record.poverty_cause),
                LEDGER_WORDS["labour_capacity"].get(record.labour_capacity),
                LEDGER_WORDS["health"].get(record.health),
            ]
        )
        count += 1
    workbook.save(path)
    return count


def _openpyxl_read(path: Path) -> float:
    """openpyxl alone streaming the sheet, every cell touched. Without its pre-pass over a sheet
    that declares no <dimension> (openpyxl's write-only files declare none): our reader skips
    that pass too, so the floor does not count it."""
    from openpyxl import load_workbook
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    size = ReadOnlyWorksheet._get_size
    ReadOnlyWorksheet._get_size = lambda self: None
    try:
        started = time.perf_counter()
        workbook = load_workbook(path, read_only=True, data_only=False)
        for row in workbook.worksheets[0].iter_rows():
            for cell in row:
                _ = cell.value
        workbook.close()
        return time.perf_counter() - started
    finally:
        ReadOnlyWorksheet._get_size = size


def _without_after_import() -> None:
    """The reconciliation an import queues (a Celery task: a worker's, not the import's) would run
    inline here, where tasks run eagerly: it is not part of the import's time."""
    from households.services import ledger_import

    ledger_import._after_import.clear()


def job_ledger_reimport(runs: int) -> dict:
    from households.ledger import ledger_import_xlsx
    from sunwu_relief.authz import system

    _without_after_import()
    actor = system("command:bench")
    with tempfile.TemporaryDirectory(prefix="perf-bench-") as folder:
        path = Path(folder) / "ledger.xlsx"
        persons = _ledger_file(path)
        first = ledger_import_xlsx(path, actor=actor, replace=True)  # marks the records as this file's
        assert first.succeeded, [str(e) for e in first.errors[:3]]
        counts = {}

        def job() -> float:
            started = time.perf_counter()
            result = ledger_import_xlsx(path, actor=actor, replace=True)
            elapsed = time.perf_counter() - started
            assert result.succeeded
            counts.update(result.counts)
            return elapsed

        out = alternate(job, lambda: _openpyxl_read(path), runs)
    out["note"] = f"{persons:,} persons, all unchanged (`--replace`): {counts}; floor: openpyxl read-only, every cell"
    return out


def job_ledger_fresh(runs: int) -> dict:
    from households.ledger import ledger_import_xlsx
    from households.models import LedgerRecord
    from sunwu_relief.authz import system

    _without_after_import()
    actor = system("command:bench")
    with tempfile.TemporaryDirectory(prefix="perf-bench-") as folder:
        path = Path(folder) / "ledger.xlsx"
        persons = _ledger_file(path)
        counts = {}

        def job() -> float:
            with rolled_back():
                LedgerRecord.objects.all().delete()
                started = time.perf_counter()
                result = ledger_import_xlsx(path, actor=actor)
                elapsed = time.perf_counter() - started
                assert result.succeeded, [str(e) for e in result.errors[:3]]
                counts.update(result.counts)
            return elapsed

        out = alternate(job, lambda: _openpyxl_read(path), runs)
    out["note"] = f"{persons:,} persons into an empty ledger (rolled back): {counts}; floor: openpyxl read-only"
    return out


def openpyxl_write(path: Path, title: str, headers: list, rows: list[list]) -> float:
    """The floor of a file: openpyxl's write-only mode writing the same values, plain; seconds."""
    from openpyxl import Workbook

    started = time.perf_counter()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return time.perf_counter() - started


def job_export_roll(runs: int) -> dict:
    from benefits.roll import HEADERS, roll_cells, roll_export_rows
    from benefits.services import roll_export
    from sunwu_relief import clock
    from sunwu_relief.authz import system

    actor = system("command:bench")
    month = clock.current_month()
    values = [roll_cells(r) for r in roll_export_rows(programme="dibao", month=month)]

    with tempfile.TemporaryDirectory(prefix="perf-bench-") as folder:

        def floor() -> float:
            return openpyxl_write(Path(folder) / "floor.xlsx", "台帐", HEADERS, values)

        def job() -> float:
            started = time.perf_counter()
            roll_export(actor=actor, programme="dibao", month=month, path=Path(folder) / "roll.xlsx")
            return time.perf_counter() - started

        out = alternate(job, floor, runs)
    out["note"] = f"{len(values):,} rows (低保, {month:%Y-%m}); floor: openpyxl write-only of the same values"
    return out


def _checker():
    """A second county user: the batch's approver (maker–checker)."""
    from django.contrib.auth import get_user_model

    from sunwu_relief.roles import Role
    from tests.conftest import make_user

    return get_user_model().objects.filter(username="bench-checker").first() or make_user(
        "bench-checker", Role.BUREAU_REVIEWER
    )


def _item_rows(batch) -> list[dict]:
    """A prepared batch's items as the values of their fields (the floor inserts them again)."""
    from benefits.models import PaymentItem

    names = [f.attname for f in PaymentItem._meta.concrete_fields if f.attname not in ("id", "batch_id")]
    return list(batch.items.order_by("seq").values(*names))


def job_payment_batch(runs: int) -> dict:
    from benefits.models import PaymentBatch, PaymentItem
    from benefits.payments.services import payment_batch_prepare
    from sunwu_relief import clock

    actor = bureau_user()
    month = clock.current_month()
    with rolled_back():
        batch, _ = payment_batch_prepare(actor=actor, programme="dibao", month=month)
        rows = _item_rows(batch)
        accounts = sum(1 for r in rows if r["account_number"])

    def floor() -> float:
        """The same items written by one bulk insert (their values known), and the batch row."""
        items = [PaymentItem(**row) for row in rows]
        with rolled_back():
            started = time.perf_counter()
            batch = PaymentBatch.objects.create(programme="dibao", month=month, number="FLOOR", prepared_by=actor)
            for item in items:
                item.batch_id = batch.pk
            PaymentItem.objects.bulk_create(items, batch_size=len(items))
            return time.perf_counter() - started

    def job() -> float:
        with rolled_back():
            started = time.perf_counter()
            payment_batch_prepare(actor=actor, programme="dibao", month=month)
            return time.perf_counter() - started

    out = alternate(job, floor, runs)
    out["note"] = (
        f"the {month:%Y-%m} 低保 batch prepared from the decisions in force: {len(rows):,} items"
        f" ({accounts:,} with a payee account), rolled back after each run; no file written;"
        " floor: the same items written by one bulk insert (Django bulk_create, one statement, the values"
        " known beforehand) and the batch row"
    )
    return out


def job_bank_file(runs: int) -> dict:
    from benefits.payments.bankfile import HEADERS, ITEM_FIELDS, bank_row
    from benefits.payments.services import payment_batch_approve, payment_batch_export, payment_batch_prepare
    from sunwu_relief import clock

    actor, checker = bureau_user(), _checker()
    month = clock.current_month()
    with rolled_back(), tempfile.TemporaryDirectory(prefix="perf-bench-") as folder:
        batch, _ = payment_batch_prepare(actor=actor, programme="dibao", month=month)
        batch = payment_batch_approve(actor=checker, batch=batch)
        payment_batch_export(actor=actor, batch=batch, target=Path(folder) / "first.xlsx")  # → exported
        items = batch.items.exclude(account_number="").order_by("seq").values_list(*ITEM_FIELDS)
        values = [bank_row(batch, item) for item in items]

        def floor() -> float:
            return openpyxl_write(Path(folder) / "floor.xlsx", "代发明细", HEADERS, values)

        def job() -> float:
            started = time.perf_counter()
            payment_batch_export(actor=actor, batch=batch, target=Path(folder) / "bank.xlsx")
            return time.perf_counter() - started

        out = alternate(job, floor, runs)
    out["note"] = (
        f"the bank file of the prepared and approved {month:%Y-%m} 低保 batch, {len(values):,} rows (the items with"
        " an account), exported again (the first export, which marks the items without an account failed, before"
        " the runs; all rolled back); floor: openpyxl write-only of the same values"
    )
    return out


def job_statistics(runs: int) -> dict:
    import io

    from django.core.management import call_command
    from django.db import connection, transaction

    from benefits.statistics.selectors import FIGURES, monthly_report
    from benefits.statistics.xlsx import HEADERS, TOTAL_LABEL
    from households.models import Township
    from sunwu_relief import clock

    month = clock.current_month()
    report = monthly_report(month=month, townships=list(Township.objects.order_by("code")))
    cells = [[row.township, *(getattr(row, name) for name in FIGURES)] for row in report.rows]
    cells.append([TOTAL_LABEL, *(getattr(report.total, name) for name in FIGURES)])
    # The month's 低保 and 特困 figures by township in one plain SQL statement: each benefit's
    # decision in force (the last decided of those effective by the month), summed.
    aggregate = """
        SELECT b.programme, b.township_id, COUNT(*), SUM(b.covered_count), SUM(d.new_amount),
               COUNT(*) FILTER (WHERE b.classification = 'key'),
               COUNT(*) FILTER (WHERE b.classification = 'long_term')
        FROM benefits_benefit b
        JOIN LATERAL (
            SELECT c.new_status, c.new_amount FROM benefits_benefitchange c
            WHERE c.benefit_id = b.id AND c.effective_month <= %s
            ORDER BY c.effective_month DESC, c.created DESC, c.id DESC LIMIT 1
        ) d ON TRUE
        WHERE b.start_month <= %s AND b.programme IN ('dibao', 'tekun')
          AND d.new_status IN ('active', 'phasing_out')
        GROUP BY b.programme, b.township_id
    """

    with tempfile.TemporaryDirectory(prefix="perf-bench-") as folder:

        def floor() -> float:
            started = time.perf_counter()
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")  # as the job's aggregate (sunwu_relief.pg)
                cursor.execute(aggregate, [month, month])
                cursor.fetchall()
            parts["floor_file"].append(openpyxl_write(Path(folder) / "floor.xlsx", "统计月报", HEADERS, cells))
            return time.perf_counter() - started

        parts = {"floor_file": []}

        def job() -> float:
            started = time.perf_counter()
            call_command(
                "export_statistics",
                month=f"{month:%Y-%m}",
                output=str(Path(folder) / "stats.xlsx"),
                stdout=io.StringIO(),
            )
            return time.perf_counter() - started

        out = alternate(job, floor, runs)
    households = report.total.dibao_households
    file_ms = statistics.median(parts["floor_file"]) * 1000
    out["note"] = (
        f"`export_statistics --month {month:%Y-%m}` (the county report: {len(report.rows)} townships,"
        f" {households:,} 低保 households, {report.total.tekun_persons:,} 特困 persons), the command's whole work;"
        " floor: one plain SQL statement of the month's 低保 and 特困 figures by township (without the care-home split; a lateral join picking"
        " each benefit's decision in force, summed; PostgreSQL's JIT off for it, as for the job's) plus openpyxl"
        " write-only of the same cells"
        f" (that file part alone: {file_ms:,.0f} ms; the job has 2 queries more: 临时救助 and 医疗救助)"
    )
    return out


def job_api_sql(runs: int) -> dict:
    """The SQL of one households page and one bulk status answer, in-process (the test client)."""
    from django.test import Client
    from knox.models import AuthToken

    from households.models import LedgerRecord, Member

    user = bureau_user()
    _instance, token = AuthToken.objects.create(user=user)
    client = Client(HTTP_AUTHORIZATION=f"Token {token}")
    township_client = Client(HTTP_AUTHORIZATION=f"Token {AuthToken.objects.create(user=township_user())[1]}")
    numbers = status_numbers(Member, LedgerRecord)
    out = {}
    for name, call in (
        ("households page", lambda: client.get("/api/v1/households/", {"page_size": 100, "page": 7})),
        (
            "households page (township)",
            lambda: township_client.get("/api/v1/households/", {"page_size": 100, "page": 7}),
        ),
        (
            "bulk status",
            lambda: client.post("/api/v1/assistance-status/", {"id_numbers": numbers}, content_type="application/json"),
        ),
    ):
        call()
        sql = []
        for _ in range(max(runs, 3)):
            with count_queries() as counter:
                response = call()
            assert response.status_code == 200, response.content[:200]
            sql.append(counter["seconds"])
        out[name] = {"sql_ms": statistics.median(sql) * 1000, "queries": counter["n"]}
    out["rss_mb"] = rss_mb()
    return out


def status_numbers(Member, LedgerRecord) -> list[str]:
    """1,000 numbers: 600 of our members, 300 only on the ledger, 100 nobody knows."""
    import random

    from bench.synthetic import make_id_number

    members = list(Member.objects.order_by("id").values_list("id_number", flat=True)[::97][:600])
    ledger = list(
        LedgerRecord.objects.exclude(id_number__in=Member.objects.values("id_number"))
        .order_by("id")
        .values_list("id_number", flat=True)[:300]
    )
    rng = random.Random(7)
    unknown = [make_id_number(rng, datetime.date(1990, 1, 1), male=True) for _ in range(100)]
    return [*members, *ledger, *unknown][:1000]


def job_pages(runs: int) -> dict:
    """Every HTML page for every role (bench/bench_pages.py)."""
    from bench.bench_pages import job_pages as pages

    return pages(runs, count_queries=count_queries, rss_mb=rss_mb)


JOBS = {
    "reconcile": job_reconcile,
    "spot_check": job_spot_check,
    "reverification": job_reverification,
    "dashboard": job_dashboard,
    "ledger_reimport": job_ledger_reimport,
    "ledger_fresh": job_ledger_fresh,
    "export_roll": job_export_roll,
    "payment_batch": job_payment_batch,
    "bank_file": job_bank_file,
    "statistics": job_statistics,
    "api_sql": job_api_sql,
    "pages": job_pages,
}


def run_job(name: str, runs: int) -> None:
    setup_django()
    baseline = rss_mb()
    out = JOBS[name](runs)
    out["rss_mb"] = rss_mb()
    out["baseline_rss_mb"] = baseline
    print("RESULT " + json.dumps(out, default=str))


# The HTTP part ------------------------------------------------------------------------------


def hammer(url: str, *, seconds: float, threads: int, method: str = "GET", body=None, headers=None) -> dict:
    import requests

    latencies: list[float] = []
    errors = [0]
    stop = time.perf_counter() + seconds
    lock = threading.Lock()

    def worker() -> None:
        session = requests.Session()
        mine = []
        while time.perf_counter() < stop:
            started = time.perf_counter()
            response = session.request(method, url, json=body, headers=headers, timeout=120)
            mine.append(time.perf_counter() - started)
            if response.status_code != 200:
                errors[0] += 1
        with lock:
            latencies.extend(mine)

    started = time.perf_counter()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    elapsed = time.perf_counter() - started
    return {
        "rps": len(latencies) / elapsed,
        "p50_ms": statistics.median(latencies) * 1000 if latencies else None,
        "requests": len(latencies),
        "errors": errors[0],
    }


def run_http(database: str, runs: int, seconds: float, threads: int) -> dict:
    setup_django()
    from knox.models import AuthToken

    from households.models import LedgerRecord, Member

    token = AuthToken.objects.create(user=bureau_user())[1]
    township = township_user()
    township_token = AuthToken.objects.create(user=township)[1]
    numbers = status_numbers(Member, LedgerRecord)
    port = 8765
    env = {**os.environ, "DATABASE_URL": database, "DJANGO_SETTINGS_MODULE": "bench.http_settings", "DEBUG": "false"}
    server = subprocess.Popen(
        [
            str(Path(PYTHON).with_name("gunicorn")),
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{port}",
            "--chdir",
            str(ROOT),
            "--log-level",
            "warning",
            "sunwu_relief.wsgi:application",
        ],
        env=env,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        import requests

        for _ in range(120):
            try:
                if requests.get(f"{base}/bench/bare/households/?page_size=1", timeout=30).status_code == 200:
                    break
            except requests.RequestException:
                pass
            time.sleep(0.5)
        auth = {"Authorization": f"Token {token}"}
        township_auth = {"Authorization": f"Token {township_token}"}
        township_id = township.staff_profile.township_id
        cases = {
            "households": (
                ("GET", f"{base}/api/v1/households/?page_size=100&page=7", None, auth),
                ("GET", f"{base}/bench/bare/households/?page_size=100&page=7", None, None),
            ),
            "households_township": (
                ("GET", f"{base}/api/v1/households/?page_size=100&page=7", None, township_auth),
                ("GET", f"{base}/bench/bare/households/?page_size=100&page=7&township={township_id}", None, None),
            ),
            "status": (
                ("POST", f"{base}/api/v1/assistance-status/", {"id_numbers": numbers}, auth),
                ("POST", f"{base}/bench/bare/status/", {"id_numbers": numbers}, None),
            ),
        }
        out = {}
        for name, (ours, bare) in cases.items():
            for method, url, body, headers in (ours, bare):  # warm both workers
                hammer(url, seconds=1, threads=threads, method=method, body=body, headers=headers)
            results = {"job": [], "floor": []}
            for _ in range(runs):
                for key, (method, url, body, headers) in (("floor", bare), ("job", ours)):
                    results[key].append(
                        hammer(url, seconds=seconds, threads=threads, method=method, body=body, headers=headers)
                    )
            out[name] = results
        return out
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


# Orchestration ------------------------------------------------------------------------------


def sh(args: list[str], env: dict, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(args, env=env, check=True, cwd=ROOT, **kwargs)


def prepare(database: str, scale: str, seed: int, template: str | None, env: dict) -> dict:
    import psycopg2

    url = urlparse(database)
    name = url.path.lstrip("/")
    admin = psycopg2.connect(
        host=url.hostname, port=url.port or 5432, user=url.username or "postgres", dbname="postgres"
    )
    admin.autocommit = True
    timings = {}
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    admin.close()
    started = time.perf_counter()
    if not template:
        sh([PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], env)
    timings["migrate_s"] = time.perf_counter() - started
    started = time.perf_counter()
    sh([PYTHON, "bench/scale.py", "--scale", scale, "--seed", str(seed)], env)
    timings["generate_s"] = time.perf_counter() - started
    return timings


def vacuum(database: str, *tables: str) -> float:
    """VACUUM ANALYZE (the whole database, or `tables`): the visibility map and statistics that
    autovacuum keeps in production (it is off on some benchmark servers), so that index-only
    scans do not read every heap page of freshly written tables. Returns the seconds it took."""
    import psycopg2

    url = urlparse(database)
    connection = psycopg2.connect(
        host=url.hostname, port=url.port or 5432, user=url.username or "postgres", dbname=url.path.lstrip("/")
    )
    connection.autocommit = True
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE " + ", ".join(tables))
    connection.close()
    return time.perf_counter() - started


def data_sizes(env: dict) -> dict:
    code = "import json, sys; sys.path.insert(0, '.'); from bench.scale import setup_django, sizes; setup_django(); print('RESULT ' + json.dumps(sizes()))"
    out = subprocess.run([PYTHON, "-c", code], env=env, cwd=ROOT, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.split("RESULT ", 1)[1])


def measure(name: str, runs: int, env: dict) -> dict:
    started = time.perf_counter()
    out = subprocess.run(
        [PYTHON, __file__, "--job", name, "--runs", str(runs)], env=env, cwd=ROOT, capture_output=True, text=True
    )
    if out.returncode != 0:
        print(out.stdout[-2000:], out.stderr[-4000:], file=sys.stderr)
        raise SystemExit(f"job {name} failed")
    result = json.loads(out.stdout.split("RESULT ", 1)[1])
    print(f"  {name}: {time.perf_counter() - started:.0f} s", flush=True)
    return result


def measure_workers(database: str, broker: str, workers: str, runs: int, env: dict) -> dict:
    """The split jobs with 1, 2, 4 … real Celery workers (bench/bench_workers.py), in its own process."""
    started = time.perf_counter()
    out = subprocess.run(
        [PYTHON, str(ROOT / "bench" / "bench_workers.py"), "--database", database, "--broker", broker]
        + ["--workers", workers, "--runs", str(runs)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if out.returncode != 0:
        print(out.stdout[-2000:], out.stderr[-4000:], file=sys.stderr)
        raise SystemExit("the worker-scaling job failed")
    print(f"  workers: {time.perf_counter() - started:.0f} s", flush=True)
    return json.loads(out.stdout.split("RESULT ", 1)[1])


def median(values: list[float]) -> float:
    return statistics.median(values)


def write_results(
    path: Path,
    *,
    scale: str,
    sizes: dict,
    timings: dict,
    jobs: dict,
    http: dict | None,
    runs: int,
    wall: float,
    scaling: dict | None = None,
) -> None:
    lines = [
        "# Benchmark results",
        "",
        f"Written by `make bench` (bench/run.py --scale {scale}) on {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC,"
        f" {platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} cores shared with other work,"
        f" PostgreSQL; the whole run took {wall / 60:.1f} min (database generated in {timings.get('generate_s', 0):.0f} s; VACUUM ANALYZE before each job, the"
        f" rows the jobs before rolled back vacuumed away, {timings.get('vacuum_s', 0):.0f} s in all, and of the findings"
        " after the first reconciliation: autovacuum is off on this server, production's keeps the visibility map).",
        f"Each job ran {runs} times alternated with its floor, in its own process; times are medians; the ratio is"
        " job ÷ floor (for the API: our requests per second ÷ the bare view's); peak RSS is"
        " the job process's high-water mark (`resource.getrusage`), Django and the app loaded included (the baseline"
        " beside it); queries are the job's own (one run).",
        "",
        "## Data",
        "",
        "| | rows |",
        "|---|---:|",
        *[f"| {label} | {count:,} |" for label, count in sizes.items()],
        "",
        "## Jobs",
        "",
        "| job | job (median) | floor (median) | ratio | target | queries | peak RSS MB (baseline) |",
        "|---|---:|---:|---:|---|---:|---:|",
    ]
    targets = {
        "reconcile": "≤ 2×, < 300 MB",
        "spot_check": "≤ 2×",
        "reverification": "≤ 2×",
        "dashboard": "≤ 200 ms",
        "ledger_reimport": "≤ 1.1×",
        "ledger_fresh": "≤ 1.3×",
        "export_roll": "≤ 1.3×",
        "payment_batch": "≤ 1.3×",
        "bank_file": "≤ 1.3×",
        "statistics": "≤ 1.3×",
    }
    notes = []
    for name, out in jobs.items():
        if name in ("api_sql", "pages"):
            continue
        job, floor = median(out["job"]), median(out["floor"])
        lines.append(
            f"| {name} | {job * 1000:,.0f} ms | {floor * 1000:,.0f} ms | {job / floor:.2f}× | {targets.get(name, '')} |"
            f" {out['queries']:,} | {out['rss_mb']:,.0f} ({out['baseline_rss_mb']:,.0f}) |"
        )
        notes.append(
            f"- {name}: {out.get('note', '')}; runs {', '.join(f'{t * 1000:,.0f}' for t in out['job'])} ms,"
            f" floor {', '.join(f'{t * 1000:,.0f}' for t in out['floor'])} ms"
        )
    lines += ["", *notes, ""]
    if http:
        lines += [
            "## API (gunicorn -w 2, threaded client)",
            "",
            "| request | ours req/s | bare view req/s | ours ÷ bare | p50 ours | p50 bare | SQL per request | queries |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
        ]
        sql = jobs.get("api_sql", {})
        for name, label, key in (
            ("households", "GET /api/v1/households/?page_size=100 (bureau reviewer)", "households page"),
            (
                "households_township",
                "GET /api/v1/households/?page_size=100 (township caseworker)",
                "households page (township)",
            ),
            ("status", "POST /api/v1/assistance-status/ (1,000 numbers)", "bulk status"),
        ):
            out = http.get(name)
            if out is None:
                continue
            ours = median([r["rps"] for r in out["job"]])
            bare = median([r["rps"] for r in out["floor"]])
            p50 = median([r["p50_ms"] for r in out["job"]])
            p50_bare = median([r["p50_ms"] for r in out["floor"]])
            errors = sum(r["errors"] for r in out["job"] + out["floor"])
            lines.append(
                f"| {label} | {ours:,.1f} | {bare:,.1f} | {ours / bare:.2f}× | {p50:,.0f} ms | {p50_bare:,.0f} ms |"
                f" {sql.get(key, {}).get('sql_ms', 0):,.1f} ms | {sql.get(key, {}).get('queries', '')} |"
                + (f" ({errors} errors)" if errors else "")
            )
        lines += [
            "",
            "The bare views (bench/http_urls.py) answer the same page / the same rows with plain queries, no DRF,"
            " no authentication and no access log. SQL per request: the sum of the request's query times, in-process"
            f" (Django's test client, median of {max(runs, 3)}); the API process's peak RSS there:"
            f" {sql.get('rss_mb', 0):,.0f} MB.",
            "",
        ]
    if "pages" in jobs:
        from bench.bench_pages import table as pages_table

        lines += pages_table(jobs["pages"])
    if scaling:
        from bench.bench_workers import table

        lines += table(scaling)
    path.write_text("\n".join(lines))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="county", choices=["tiny", "small", "county", "province"])
    parser.add_argument("--database", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE))
    parser.add_argument("--template", help="a migrated, empty database to copy instead of migrating")
    parser.add_argument("--reuse", action="store_true", help="measure the database as it is (already generated)")
    parser.add_argument("--seed", type=int, default=2016)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=5.0, help="each HTTP measurement's duration")
    parser.add_argument("--threads", type=int, default=4, help="the HTTP client's threads")
    parser.add_argument(
        "--jobs",
        default=",".join([*JOBS, "http", "workers"]),
        help="comma-separated: the jobs, `http` (the API through gunicorn), `workers` (the split jobs with 1, 2, 4"
        " Celery workers over Redis); default all",
    )
    parser.add_argument("--output", default=str(ROOT / "bench" / "results.md"))
    parser.add_argument(
        "--workers", default="1,2,4", help="with `workers` among the jobs: the numbers of Celery worker processes"
    )
    parser.add_argument("--broker", default=os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/10"))
    parser.add_argument("--job", help=argparse.SUPPRESS)  # internal: one job in this process
    args = parser.parse_args()
    if args.job:
        run_job(args.job, args.runs)
        return
    if args.job is None and not args.database.startswith("postgres"):
        raise SystemExit("bench/run.py measures PostgreSQL: --database postgres://…")
    started = time.perf_counter()
    env = {**os.environ, "DATABASE_URL": args.database, "DJANGO_SETTINGS_MODULE": "sunwu_relief.settings"}
    env.pop("CELERY_BROKER_URL", None)
    timings = {}
    if not args.reuse:
        print(f"preparing {args.scale} in {args.database}", flush=True)
        timings = prepare(args.database, args.scale, args.seed, args.template, env)
    timings["vacuum_s"] = vacuum(args.database)
    sizes = data_sizes(env)
    print(sizes, flush=True)
    wanted = args.jobs.split(",")
    jobs = {}
    for name in [n for n in JOBS if n in wanted]:
        # The jobs before roll back what they wrote: their dead rows vacuumed away, as
        # autovacuum would between a county's daily runs (a second or two each time).
        timings["vacuum_s"] += vacuum(args.database)
        jobs[name] = measure(name, args.runs, env)
    scaling = None
    if "workers" in wanted:
        scaling = measure_workers(args.database, args.broker, args.workers, args.runs, env)
    http = None
    if "http" in wanted:
        os.environ["DATABASE_URL"] = args.database
        http = run_http(args.database, args.runs, args.seconds, args.threads)
    # The raw figures beside the table (every run's time, the HTTP client's counts).
    Path(args.output).with_suffix(".json").write_text(
        json.dumps({"jobs": jobs, "http": http, "workers": scaling}, indent=1, default=str)
    )
    write_results(
        Path(args.output),
        scale=args.scale,
        sizes=data_sizes(env),
        timings=timings,
        jobs=jobs,
        http=http,
        scaling=scaling,
        runs=args.runs,
        wall=time.perf_counter() - started,
    )
    print(Path(args.output).read_text())


if __name__ == "__main__":
    main()
