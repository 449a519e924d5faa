"""Worker scaling: the jobs split by township (sunwu_relief.jobs.job_fan_out) run by 1, 2 and 4
real Celery worker processes over Redis, against the same PostgreSQL database.

    .venv/bin/python bench/bench_workers.py --database postgres://…/sunwu_bench [--workers 1,2,4]
        [--broker redis://127.0.0.1:6379/10] [--runs 3]

`bench/run.py --jobs workers` runs it on the database it generated and writes the table into
bench/results.md. For each number of workers a `celery -A sunwu_relief worker -c N` (prefork) is
started on a queue of its own, warmed up with one report, and each job is timed from the request
(the parent job and its parts committed, the parts sent) to the parent's finish, as a person
waiting for it sees it (polled every 50 ms). The one-process run of the same job (no Celery) is
timed beside it. Jobs:

- `statistics`: the monthly statistics report of the current month (`statistics_report_start`),
  one part per township; it only reads, so every run does the same work.
- `reverification`: the daily re-verification run (`reviews_open_due_start`) on a day when the
  first `--due` (default 9,312) running 低保 benefits are due: every run opens that many reviews,
  and the reviews it opened are deleted after it (the audit events stay: they are append-only).

Speed-up is the one-worker time ÷ the N-worker time. Not part of the test suite.
"""

import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_BROKER = "redis://127.0.0.1:6379/10"
# The re-verification run opens the reviews of this many due benefits (bench/run.py's
# `reverification` job too): a county's busiest day.
DEFAULT_DUE = 9312


def setup_django(database: str, broker: str) -> None:
    os.environ["DATABASE_URL"] = database
    os.environ["CELERY_BROKER_URL"] = broker
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-never-deployed")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sunwu_relief.settings")
    import django

    django.setup()


def wait_finished(job, timeout: float = 3600):
    from sunwu_relief.models import Job

    deadline = time.monotonic() + timeout
    while True:
        job.refresh_from_db()
        if job.status in (Job.Status.SUCCEEDED, Job.Status.FAILED):
            return job
        if time.monotonic() > deadline:
            raise SystemExit(f"job {job.pk} did not finish in {timeout:.0f} s")
        time.sleep(0.05)


class Worker:
    """`celery -A sunwu_relief worker -c N` on its own queue, stopped (warm shutdown) at the end."""

    def __init__(self, concurrency: int, queue: str) -> None:
        self.concurrency, self.queue = concurrency, queue

    def __enter__(self):
        celery = str(Path(sys.executable).with_name("celery"))
        self.process = subprocess.Popen(
            [
                celery,
                "-A",
                "sunwu_relief",
                "worker",
                "-c",
                str(self.concurrency),
                "-P",
                "prefork",
                "-Q",
                self.queue,
                "-n",
                f"{self.queue}-{self.concurrency}@%h",
                "--without-mingle",
                "--without-gossip",
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
            env=os.environ.copy(),
            start_new_session=True,
        )
        return self

    def __exit__(self, *exc) -> None:
        self.process.terminate()  # SIGTERM: a warm shutdown
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def due_day(count: int) -> datetime.date:
    """The day on which the first `count` running 低保 benefits are due for re-verification."""
    from benefits.models import Benefit, BenefitStatus
    from benefits.reviews.services import REVIEWED_PROGRAMMES

    days = (
        Benefit.objects.filter(programme__in=REVIEWED_PROGRAMMES, status=BenefitStatus.ACTIVE)
        .order_by("next_review_due")
        .values_list("next_review_due", flat=True)
    )
    return days[min(count, days.count()) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True)
    parser.add_argument("--broker", default=os.environ.get("BENCH_BROKER_URL", DEFAULT_BROKER))
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--due", type=int, default=DEFAULT_DUE)
    parser.add_argument("--jobs", default="statistics,reverification")
    args = parser.parse_args()
    setup_django(args.database, args.broker)

    from benefits.models import Review
    from benefits.reviews.services import reviews_open_due, reviews_open_due_start
    from benefits.statistics.selectors import monthly_report
    from benefits.statistics.services import statistics_report_start
    from households.models import Township
    from sunwu_relief import clock
    from sunwu_relief.authz import system
    from sunwu_relief.celery import app

    queue = f"bench-workers-{uuid.uuid4().hex[:8]}"
    app.conf.task_default_queue = queue
    actor = system("bench:workers")
    month = clock.current_month()
    on = due_day(args.due)
    townships = Township.objects.count()
    wanted = args.jobs.split(",")

    def undo_reviews(before: int) -> int:
        opened, _ = Review.objects.filter(pk__gt=before).delete()
        return opened

    def last_review() -> int:
        return Review.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    def timed_split(name: str) -> tuple[float, dict]:
        before = last_review()
        started = time.perf_counter()
        if name == "statistics":
            job = statistics_report_start(actor=actor, month=month)
        else:
            job = reviews_open_due_start(actor=actor, on=on)
        job = wait_finished(job)
        elapsed = time.perf_counter() - started
        busy = sum((part.finished - part.started).total_seconds() for part in job.parts.all())
        if job.status != "succeeded":
            raise SystemExit(f"{name}: job {job.pk} failed: {job.errors}")
        if name == "statistics":
            summary = {"dibao_households": job.counts["total"]["dibao_households"]}
        else:
            summary = {"opened": sum(row["opened"] for row in job.counts.values())}
            undo_reviews(before)
        return elapsed, {**summary, "busy": busy}

    def timed_single(name: str) -> tuple[float, dict]:
        before = last_review()
        started = time.perf_counter()
        if name == "statistics":
            report = monthly_report(month=month, townships=list(Township.objects.all()))
            summary = {"dibao_households": report.total.dibao_households}
        else:
            counts = reviews_open_due(actor=actor, on=on)
            summary = {"opened": sum(row["opened"] for row in counts.values())}
        elapsed = time.perf_counter() - started
        if name == "reverification":
            undo_reviews(before)
        return elapsed, summary

    out: dict = {"townships": townships, "due_on": on.isoformat(), "month": f"{month:%Y-%m}", "jobs": {}}
    for name in wanted:
        single = [timed_single(name) for _ in range(args.runs)]
        out["jobs"][name] = {"single": [t for t, _s in single], "summary": single[0][1], "workers": {}}
        print(f"{name}: one process {statistics.median(t for t, _s in single):.2f} s {single[0][1]}", flush=True)
    for count in [int(n) for n in args.workers.split(",")]:
        with Worker(count, queue):
            wait_finished(statistics_report_start(actor=actor, month=month), timeout=300)  # started and warm
            for name in wanted:
                load = os.getloadavg()[0]
                runs = [timed_split(name) for _ in range(args.runs)]
                busy = [summary.pop("busy") for _t, summary in runs]
                if any(summary != out["jobs"][name]["summary"] for _t, summary in runs):
                    raise SystemExit(f"{name}: the split result differs: {runs} vs {out['jobs'][name]['summary']}")
                out["jobs"][name]["workers"][count] = [t for t, _s in runs]
                out["jobs"][name].setdefault("busy", {})[count] = busy
                out["jobs"][name].setdefault("load", {})[count] = load
                print(f"{name}: {count} workers {statistics.median(t for t, _s in runs):.2f} s", flush=True)
    print("RESULT " + json.dumps(out))


def table(result: dict) -> list[str]:
    """The worker-scaling section of bench/results.md."""
    lines = [
        "## Worker scaling (jobs split by township)",
        "",
        f"{result['townships']} parts (one per township), run by `celery -A sunwu_relief worker -c N` (prefork) over"
        " Redis on the same machine as PostgreSQL; wall time from the request to the job's finish, median of the runs;"
        " speed-up = one worker ÷ N workers. The one-process run (no Celery) beside it. Parts' time ÷ wall: the"
        " parts' run times added up over the wall time, how many ran at once on average (near N: the workers did"
        " run side by side, each slower when the cores are short). Load before: the machine's 1-minute load average"
        " when the runs began (2 cores).",
        "",
        "| job | one process | workers | wall time | speed-up | parts' time ÷ wall | load before | runs |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    notes = []
    for name, job in result["jobs"].items():
        single = statistics.median(job["single"])
        one = statistics.median(job["workers"][min(job["workers"], key=int)])
        for count, times in sorted(job["workers"].items(), key=lambda item: int(item[0])):
            wall = statistics.median(times)
            overlap = statistics.median(b / t for b, t in zip(job["busy"][count], times, strict=True))
            lines.append(
                f"| {name} | {single:,.2f} s | {count} | {wall:,.2f} s | {one / wall:.2f}× | {overlap:.2f} |"
                f" {job['load'][count]:.1f} | {', '.join(f'{t:,.2f}' for t in times)} s |"
            )
        what = (
            f"the report of {result['month']} ({job['summary']['dibao_households']:,} 低保 households)"
            if name == "statistics"
            else f"{job['summary']['opened']:,} reviews opened (due by {result['due_on']}), deleted after each run"
        )
        notes.append(f"- {name}: {what}; every split run gave the one-process result.")
    return [*lines, "", *notes, ""]


if __name__ == "__main__":
    main()
