"""A job split by township through the real broker and a real worker: the parts are sent once
the job is committed, each claimed once, and the last one finishes the job with the one-process
result; a part that fails fails the job once."""

import datetime

import pytest

from benefits.statistics.selectors import monthly_report, report_of_job
from benefits.statistics.services import STATISTICS_JOB, statistics_report_start
from households.models import Township
from sunwu_relief.authz import system
from sunwu_relief.models import Job
from tests.benefits.programme_builders import benefit_from_roll

from .conftest import wait_for

pytestmark = pytest.mark.integration
MONTH = datetime.date(2026, 1, 1)


def finished(job: Job) -> bool:
    job.refresh_from_db()
    return job.status in (Job.Status.SUCCEEDED, Job.Status.FAILED)


def test_the_statistics_parts_run_on_the_worker_and_the_job_equals_the_one_process_report(
    celery_worker, make_household, caseworker_sunwu, caseworker_chenqing, bureau_reviewer
):
    benefit_from_roll(make_household(caseworker_sunwu), actor=bureau_reviewer, month="2026-01")
    benefit_from_roll(make_household(caseworker_chenqing), actor=bureau_reviewer, month="2026-01")

    job = statistics_report_start(actor=system("test"), month=MONTH)

    wait_for(lambda: finished(job), timeout=60, what="the worker to run every township's part")
    assert job.status == Job.Status.SUCCEEDED
    assert job.counts["total"]["dibao_households"] == 2
    assert report_of_job(job.counts) == monthly_report(month=MONTH, townships=Township.objects.all())
    parts = Job.objects.filter(parent=job)
    assert parts.count() == Township.objects.count()
    assert set(parts.values_list("status", flat=True)) == {Job.Status.SUCCEEDED}
    assert set(parts.values_list("attempts", flat=True)) == {1}  # each claimed once
    assert Job.objects.filter(kind=STATISTICS_JOB, parent=None).count() == 1


def test_a_part_failing_on_the_worker_fails_the_job_once(celery_worker, monkeypatch):
    broken = Township.objects.order_by("code").last()
    real = monthly_report

    def monthly_report_failing(*, month, townships):
        if [t.pk for t in townships] == [broken.pk]:
            raise RuntimeError("part failed")
        return real(month=month, townships=townships)

    monkeypatch.setattr("benefits.statistics.services.monthly_report", monthly_report_failing)
    job = statistics_report_start(actor=system("test"), month=MONTH)

    wait_for(lambda: finished(job), timeout=60, what="the worker to run every township's part")
    assert job.status == Job.Status.FAILED
    assert job.errors == [
        {"row": None, "column": None, "message": "RuntimeError: part failed", "township_id": broken.pk}
    ]
    assert Job.objects.filter(parent=job, status=Job.Status.SUCCEEDED).count() == Township.objects.count() - 1
