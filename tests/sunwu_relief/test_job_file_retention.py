"""Uploaded files of jobs (full ID numbers) are deleted after the retention period; the job's
record stays, the deletion is audited, and a second run changes nothing."""

import datetime
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from sunwu_relief.authz import system
from sunwu_relief.jobs import job_create, job_files_purge
from sunwu_relief.models import AuditEvent, Job

pytestmark = pytest.mark.django_db


def _finished_job(*, days_ago: int) -> Job:
    job = job_create(kind="ledger_import", actor=None)
    job.input_file.save("ledger.xlsx", ContentFile(b"PK\x03\x04 full ID numbers"), save=False)
    job.status = Job.Status.SUCCEEDED
    job.counts = {"created": 3}
    job.finished = timezone.now() - datetime.timedelta(days=days_ago)
    job.save()
    return job


def test_files_past_retention_are_deleted_and_the_record_kept(settings):
    settings.SUNWU_UPLOAD_RETENTION_DAYS = 90
    old, recent = _finished_job(days_ago=91), _finished_job(days_ago=89)
    old_name = old.input_file.name
    storage = old.input_file.storage
    assert storage.exists(old_name)

    assert job_files_purge(actor=system("test")) == 1

    old.refresh_from_db()
    recent.refresh_from_db()
    assert not storage.exists(old_name)
    assert not old.input_file
    assert old.counts == {"created": 3}
    assert "files_purged" in old.params
    assert recent.input_file
    assert storage.exists(recent.input_file.name)
    event = AuditEvent.objects.get(action="job.files_purge")
    assert event.object_id == str(old.pk)
    assert job_files_purge(actor=system("test")) == 0  # a repeat is a no-op


def test_unfinished_jobs_keep_their_files(settings):
    settings.SUNWU_UPLOAD_RETENTION_DAYS = 1
    job = job_create(kind="ledger_import", actor=None)
    job.input_file.save("ledger.xlsx", ContentFile(b"PK"), save=True)
    Job.objects.filter(pk=job.pk).update(created=timezone.now() - datetime.timedelta(days=30))
    assert job_files_purge(actor=system("test")) == 0


def test_the_command_and_the_task_do_the_same(settings):
    from sunwu_relief.tasks import purge_expired_job_files

    settings.SUNWU_UPLOAD_RETENTION_DAYS = 10
    _finished_job(days_ago=11)
    _finished_job(days_ago=12)
    out = StringIO()
    call_command("purge_job_files", stdout=out)
    assert out.getvalue().startswith("2 ")
    _finished_job(days_ago=11)
    assert purge_expired_job_files.apply().get() == 1
