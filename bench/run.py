"""`make bench`: the jobs of the issue "Scale and speed" at county scale on PostgreSQL, each beside
its floor measured in the same run, written to bench/results.md.

    .venv/bin/python bench/run.py [--scale county|province|small] [--database URL] [--reuse] [--runs 3]
        [--jobs …,workers [--workers 1,2,4] [--broker redis://127.0.0.1:6379/10]]

The database (default postgres://postgres@127.0.0.1:5432/sunwu_bench) is dropped, created,
migrated (or copied from `--template`, a migrated empty database) and filled by bench/scale.py;
`--reuse` measures an already generated one. Each job then runs in its own process (so that its
peak RSS is its own): ≥ 3 runs alternated with its floor, the median of each, their ratio, the
job's queries and the process's peak RSS (`resource.getrusage`). The API is served by gunicorn
(`-w 2`, bench/http_settings.py) and driven by a small threaded client, against bare Django views
of the same page (bench/http_urls.py). `--scale province` (≈1,000,000 persons) is not run in CI.
The `pages` job (bench/bench_pages.py) asks every HTML page of the URLconf as every role that
may open it (the access matrix's rows and objects), in-process, and lists the slowest.
`--jobs workers` (not in the default list: it needs Redis) times the jobs split by township with
1, 2 and 4 real Celery worker processes (bench/bench_workers.py) and adds the worker-scaling table.
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


# The jobs (each runs in its own process: `run.py --job NAME`) ---------------------------------


def job_reconcile(runs: int) -> dict:
    from django.db import connection

    from audits.services import reconciliation_run
    from sunwu_relief.authz import system

    actor = system("command:bench")
    reconciliation_run(actor=actor)  # the findings exist; every run after this changes nothing

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
        f"{written.get('reopened')} reopened, {written.get('events')} events"
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


def job_export_roll(runs: int) -> dict:
    from openpyxl import Workbook

    from benefits.roll import HEADERS, roll_rows
    from benefits.services import roll_export
    from sunwu_relief import clock
    from sunwu_relief.authz import system

    actor = system("command:bench")
    month = clock.current_month()
    values = [
        [
            r.township,
            r.village,
            r.head_name,
            r.head_id_number,
            r.covered,
            r.classification,
            r.amount,
            r.start_month,
            r.note,
        ]
        for r in roll_rows(programme="dibao", month=month)
    ]

    with tempfile.TemporaryDirectory(prefix="perf-bench-") as folder:

        def floor() -> float:
            started = time.perf_counter()
            workbook = Workbook(write_only=True)
            sheet = workbook.create_sheet("台帐")
            sheet.append(HEADERS)
            for row in values:
                sheet.append(row)
            workbook.save(Path(folder) / "floor.xlsx")
            return time.perf_counter() - started

        def job() -> float:
            started = time.perf_counter()
            roll_export(actor=actor, programme="dibao", month=month, path=Path(folder) / "roll.xlsx")
            return time.perf_counter() - started

        out = alternate(job, floor, runs)
    out["note"] = f"{len(values):,} rows (低保, {month:%Y-%m}); floor: openpyxl write-only of the same values"
    return out


def job_api_sql(runs: int) -> dict:
    """The SQL of one households page and one bulk status answer, in-process (the test client)."""
    from django.test import Client
    from knox.models import AuthToken

    from households.models import LedgerRecord, Member

    user = bureau_user()
    _instance, token = AuthToken.objects.create(user=user)
    client = Client(HTTP_AUTHORIZATION=f"Token {token}")
    numbers = status_numbers(Member, LedgerRecord)
    out = {}
    for name, call in (
        ("households page", lambda: client.get("/api/v1/households/", {"page_size": 100, "page": 7})),
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
    "dashboard": job_dashboard,
    "ledger_reimport": job_ledger_reimport,
    "ledger_fresh": job_ledger_fresh,
    "export_roll": job_export_roll,
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
        cases = {
            "households": (
                ("GET", f"{base}/api/v1/households/?page_size=100&page=7", None, auth),
                ("GET", f"{base}/bench/bare/households/?page_size=100&page=7", None, None),
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
        f" PostgreSQL; the whole run took {wall / 60:.1f} min (database generated in {timings.get('generate_s', 0):.0f} s).",
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
        "dashboard": "≤ 200 ms",
        "ledger_reimport": "≤ 1.1×",
        "ledger_fresh": "≤ 1.3×",
        "export_roll": "≤ 1.3×",
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
            ("households", "GET /api/v1/households/?page_size=100", "households page"),
            ("status", "POST /api/v1/assistance-status/ (1,000 numbers)", "bulk status"),
        ):
            out = http[name]
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
    parser.add_argument("--jobs", default=",".join([*JOBS, "http"]))
    parser.add_argument("--output", default=str(ROOT / "bench" / "results.md"))
    parser.add_argument(
        "--workers", default="1,2,4", help="with --jobs …,workers: the numbers of Celery worker processes to compare"
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
    sizes = data_sizes(env)
    print(sizes, flush=True)
    wanted = args.jobs.split(",")
    jobs = {}
    for name in [n for n in JOBS if n in wanted]:
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
