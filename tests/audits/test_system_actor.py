"""Audit work names its actor: a task or command runs as the named system, people by their role;
a forgotten actor (None) is refused, never taken for the system."""

import pytest
from django.core.management import call_command

from audits.services import reconciliation_job_run, reconciliation_run, spot_check_draw
from benefits.models import ApplicationStatus
from sunwu_relief.authz import system
from sunwu_relief.errors import NotAllowed
from sunwu_relief.models import AuditEvent, Job

pytestmark = pytest.mark.django_db


def test_a_missing_actor_is_refused():
    with pytest.raises(TypeError):
        reconciliation_run(actor=None)
    with pytest.raises(TypeError):
        spot_check_draw(actor=None)


def test_township_staff_cannot_run_the_reconciliation(caseworker_sunwu):
    with pytest.raises(NotAllowed):
        reconciliation_run(actor=caseworker_sunwu)
    assert not AuditEvent.objects.filter(action="reconciliation.run").exists()


def test_the_nightly_job_records_its_run_as_the_task(db):
    job = reconciliation_job_run(actor=system("task:reconcile_ledger"))
    assert Job.objects.get(pk=job.pk).status == Job.Status.SUCCEEDED
    event = AuditEvent.objects.get(action="reconciliation.run")
    assert event.detail["system"] == "task:reconcile_ledger"


def test_the_draw_command_is_audited_as_the_command(cases):
    cases.to(ApplicationStatus.COUNTY_REVIEW)
    call_command("draw_spot_checks", seed=3)
    event = AuditEvent.objects.get(action="spot_check.draw")
    assert event.actor is None
    assert event.detail["system"] == "command:draw_spot_checks"
