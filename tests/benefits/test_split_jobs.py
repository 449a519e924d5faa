"""The long jobs split by township (sunwu_relief.jobs.job_fan_out): the daily re-verification run
and the monthly statistics report give what the one-process run gives, on two townships; the
parts run eagerly here (no broker), as in the demo."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from benefits import services
from benefits.models import Benefit, Review
from benefits.reviews import services as reviews
from benefits.reviews.models import ReviewReason
from benefits.statistics import services as statistics
from benefits.statistics.selectors import monthly_report, report_of_job
from benefits.tasks import run_reverification, run_reverification_part, statistics_report_part
from households.models import Township
from sunwu_relief.authz import system
from sunwu_relief.errors import NotAllowed
from sunwu_relief.jobs import job_part_run, job_parts_settle, job_run, jobs_recover_orphans
from sunwu_relief.models import Job
from tests.benefits.programme_builders import benefit_from_roll
from tests.conftest import CHENQING, member_data

pytestmark = pytest.mark.django_db
SYSTEM = system("task:run_reverification")
JAN, MAR = datetime.date(2026, 1, 1), datetime.date(2026, 3, 1)


class Rollback(Exception):
    pass


@pytest.fixture
def county(make_household, caseworker_sunwu, caseworker_chenqing, bureau_reviewer, clock):
    """低保 in two townships (two households in 孙吴镇, one in 沉清), a 特困 person, one benefit
    lowered from March; every 低保 benefit due for re-verification, one of them already open."""
    sunwu_a = make_household(caseworker_sunwu, members=[member_data(name="王小花", relationship="spouse")])
    sunwu_b = make_household(caseworker_sunwu, head=member_data(name="李四", relationship="head"))
    chenqing = make_household(caseworker_chenqing, head=member_data(name="赵五", relationship="head"))
    alone = make_household(caseworker_chenqing, head=member_data(name="孙六", relationship="head"))
    lowered = benefit_from_roll(sunwu_a, actor=bureau_reviewer, month="2026-01")
    open_already = benefit_from_roll(sunwu_b, actor=bureau_reviewer, month="2026-01")
    benefit_from_roll(chenqing, actor=bureau_reviewer, month="2026-01")
    benefit_from_roll(alone, actor=bureau_reviewer, programme="tekun", month="2026-01")
    clock.move_to(datetime.date(2026, 3, 5))
    services.benefit_change(
        actor=bureau_reviewer,
        benefit=lowered,
        kind="lower",
        effective_month=MAR,
        reason_code="other",
        reason="人工调整",
        manual_reason="special_hardship",
        new_amount=Decimal("450"),
    )
    Benefit.objects.update(next_review_due=datetime.date(2026, 3, 1))
    reviews.review_open(actor=SYSTEM, benefit=open_already, reason=ReviewReason.SCHEDULED)
    assert Benefit.objects.values("township_id").distinct().count() == 2


def outcome(run) -> tuple:
    try:
        with transaction.atomic():
            returned = run()
            opened = sorted(
                Review.objects.values_list("benefit_id", "township_id", "reason", "reasons", "due_on", "complete_by")
            )
            raise Rollback((returned, opened))
    except Rollback as done:
        return done.args[0]


def run_split(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = reviews.reviews_open_due_start(actor=SYSTEM)
    job.refresh_from_db()
    return job


def test_the_reverification_run_split_by_township_opens_what_the_one_process_run_opens(
    county, django_capture_on_commit_callbacks
):
    (one_counts, one_opened) = outcome(lambda: reviews.reviews_open_due(actor=SYSTEM))
    (job, split_opened) = outcome(lambda: run_split(django_capture_on_commit_callbacks))
    assert split_opened == one_opened
    assert len(split_opened) == 3  # two new, one open before
    assert job.status == Job.Status.SUCCEEDED
    assert job.counts == {str(pk): row for pk, row in one_counts.items()}
    assert sum(row["opened"] for row in job.counts.values()) == 2
    assert (job.rows_done, job.rows_total) == (Township.objects.count(), Township.objects.count())  # parts done


def test_the_daily_task_runs_split_and_eager_without_a_broker(county, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job_id = run_reverification.delay().get()
    job = Job.objects.get(pk=job_id)
    assert (job.kind, job.status) == (reviews.REVERIFICATION_JOB, Job.Status.SUCCEEDED)
    assert set(job.parts.values_list("status", flat=True)) == {Job.Status.SUCCEEDED}
    assert Review.objects.count() == 3


def test_a_part_that_fails_fails_the_job_once_with_its_error(
    county, township_sunwu, township_chenqing, django_capture_on_commit_callbacks, monkeypatch
):
    chenqing = township_chenqing
    real = reviews.reviews_open_due

    def broken(*, township_id=None, **kwargs):
        if township_id == chenqing.pk:
            raise RuntimeError("the database went away")
        return real(township_id=township_id, **kwargs)

    monkeypatch.setattr("benefits.reviews.services.opening.reviews_open_due", broken)
    job = run_split(django_capture_on_commit_callbacks)
    assert job.status == Job.Status.FAILED
    assert job.errors == [
        {"row": None, "column": None, "message": "RuntimeError: the database went away", "township_id": chenqing.pk}
    ]
    assert job.counts == {str(township_sunwu.pk): {"opened": 1, "already_open": 1}}  # the parts that succeeded
    finished = job.finished
    assert job_parts_settle(job.pk) is None  # settled once: again changes nothing
    job.refresh_from_db()
    assert (job.status, job.finished, len(job.errors)) == (Job.Status.FAILED, finished, 1)


def test_rerunning_a_finished_part_does_nothing(county, township_sunwu, django_capture_on_commit_callbacks):
    job = run_split(django_capture_on_commit_callbacks)
    part = job.parts.get(township_id=township_sunwu.pk)
    before = (part.status, part.finished, part.counts, part.attempts)
    reviews_before = Review.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        run_reverification_part.delay(part.pk)
    part.refresh_from_db()
    assert (part.status, part.finished, part.counts, part.attempts) == before
    assert Review.objects.count() == reviews_before
    finished = job.finished
    job.refresh_from_db()
    assert (job.status, job.finished) == (Job.Status.SUCCEEDED, finished)


def sheet_cells(path) -> list[list]:
    sheet = openpyxl.load_workbook(io.BytesIO(path.read_bytes())).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # the command commits: its parts run
def test_the_statistics_report_split_by_township_has_the_one_process_reports_cells(county, tmp_path):
    for month in (JAN, MAR):
        one, split = tmp_path / f"one-{month}.xlsx", tmp_path / f"split-{month}.xlsx"
        call_command("export_statistics", month=f"{month:%Y-%m}", output=str(one))
        call_command("export_statistics", month=f"{month:%Y-%m}", output=str(split), split=True, wait=60)
        cells = sheet_cells(one)
        assert sheet_cells(split) == cells
        assert any(row[0] == CHENQING and row[1] == 1 for row in cells)  # the data reached both townships
    assert Job.objects.filter(kind=statistics.STATISTICS_JOB, parent=None, status=Job.Status.SUCCEEDED).count() == 2


def test_the_statistics_jobs_report_equals_the_selectors(county, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = statistics.statistics_report_start(actor=system("test"), month=MAR)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert report_of_job(job.counts) == monthly_report(month=MAR, townships=Township.objects.all())


def test_a_statistics_part_run_again_changes_nothing(county, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = statistics.statistics_report_start(actor=system("test"), month=MAR)
    job.refresh_from_db()
    counts = job.counts
    for part in job.parts.all():
        statistics_report_part.delay(part.pk)
    job.refresh_from_db()
    assert (job.status, job.counts) == (Job.Status.SUCCEEDED, counts)


def test_the_statistics_job_is_the_systems(bureau_reviewer):
    with pytest.raises(NotAllowed):
        statistics.statistics_report_start(actor=bureau_reviewer, month=MAR)


def test_a_job_whose_last_part_lost_its_worker_before_settling_is_finished_by_the_recovery(county):
    job = reviews.reviews_open_due_start(actor=SYSTEM)  # the parts' messages wait for a commit: not sent
    assert set(job.parts.values_list("status", flat=True)) == {Job.Status.PENDING}
    for part in job.parts.order_by("pk"):  # each part run, the settling step lost
        job_run(part.pk, lambda p: reviews.reviews_open_due_part(p, actor=SYSTEM))
    job.refresh_from_db()
    assert (job.status, job.rows_done) == (Job.Status.RUNNING, 0)
    jobs_recover_orphans(actor=system("task:requeue_pending_jobs"))
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert sum(row["opened"] for row in job.counts.values()) == 2


def test_a_part_whose_worker_was_killed_runs_again_and_the_job_gives_the_one_process_result(county):
    if connection.vendor != "postgresql":
        pytest.skip("only PostgreSQL's session locks tell a dead worker (CI runs this on PostgreSQL)")
    (one_counts, one_opened) = outcome(lambda: reviews.reviews_open_due(actor=SYSTEM))
    job = reviews.reviews_open_due_start(actor=SYSTEM)  # the parts' messages wait for a commit: not sent
    *others, killed = job.parts.order_by("pk")
    for part in others:
        job_part_run(part.pk, lambda p: reviews.reviews_open_due_part(p, actor=SYSTEM))
    # The last part's worker was killed mid-way: claimed once, its session (the claim's lock) gone.
    Job.objects.filter(pk=killed.pk).update(status=Job.Status.RUNNING, attempts=1, started=timezone.now())
    job.refresh_from_db()
    assert job.status == Job.Status.RUNNING

    assert jobs_recover_orphans(actor=system("task:requeue_pending_jobs")) == [killed.pk]  # sent again: eager here

    killed.refresh_from_db()
    assert (killed.status, killed.attempts) == (Job.Status.SUCCEEDED, 2)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert job.counts == {str(pk): row for pk, row in one_counts.items()}
    opened = sorted(
        Review.objects.values_list("benefit_id", "township_id", "reason", "reasons", "due_on", "complete_by")
    )
    assert opened == one_opened
