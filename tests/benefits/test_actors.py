"""Who acts: a person, or the system named by what runs it; never a missing actor."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from benefits import services, tasks
from benefits.events import BenefitEvent
from benefits.models import ApplicationStatus, BenefitChange, Standard
from sunwu_relief.authz import system
from sunwu_relief.errors import NotAllowed, OutOfScope
from sunwu_relief.models import AuditEvent


def test_a_missing_actor_is_a_programming_error_not_a_bypass(cases):
    application = cases.draft()
    with pytest.raises(TypeError):
        services.application_submit(actor=None, application=application)
    with pytest.raises(TypeError):
        services.notices_complete_due(actor=None)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT


def test_the_system_may_not_take_a_persons_step(cases):
    application = cases.to(ApplicationStatus.COUNTY_REVIEW)
    with pytest.raises(NotAllowed):
        services.application_county_approve(actor=system("task:x"), application=application)
    with pytest.raises(NotAllowed):
        services.standard_save(
            actor=system("task:x"), standard=Standard.objects.get(programme="dibao", year=timezone.localdate().year)
        )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.COUNTY_REVIEW


def test_a_user_without_a_case_role_does_not_see_the_case(cases, poverty_office, stranger):
    application = cases.draft()
    for outsider in (poverty_office, stranger):
        with pytest.raises(OutOfScope):
            services.application_submit(actor=outsider, application=application)


def test_the_nightly_task_moves_the_case_as_the_named_system(cases, clock):
    application = cases.to(ApplicationStatus.PUBLIC_NOTICE)
    clock.move_to(timezone.localdate() + datetime.timedelta(days=8))
    assert tasks.complete_public_notices() == 1
    application.refresh_from_db()
    assert application.status == ApplicationStatus.COUNTY_REVIEW
    transition = application.transitions.get(action="notice_complete")
    assert transition.actor is None
    event = AuditEvent.objects.get(action=BenefitEvent.APPLICATION_NOTICE_COMPLETE, object_id=str(application.pk))
    assert event.actor is None
    assert event.detail["system"] == "task:complete_public_notices"


def test_staff_send_the_case_up_as_themselves(cases, clock):
    application = cases.to(ApplicationStatus.PUBLIC_NOTICE)
    clock.move_to(timezone.localdate() + datetime.timedelta(days=8))
    services.application_notice_complete(actor=cases.caseworker, application=application)
    event = AuditEvent.objects.get(action=BenefitEvent.APPLICATION_NOTICE_COMPLETE, object_id=str(application.pk))
    assert event.actor == cases.caseworker
    assert "system" not in event.detail


def test_recomputed_decisions_are_the_reviewers_who_changed_the_standard(cases, django_capture_on_commit_callbacks):
    application = cases.to(ApplicationStatus.APPROVED)
    standard = Standard.objects.get(programme="dibao", year=timezone.localdate().year)
    standard.monthly_standard = Decimal("500")
    with django_capture_on_commit_callbacks(execute=True):
        services.standard_save(actor=cases.bureau, standard=standard)
    change = BenefitChange.objects.get(benefit__application=application, kind=BenefitChange.Kind.RECOMPUTE)
    assert change.actor == cases.bureau
    event = AuditEvent.objects.get(action=BenefitEvent.BENEFIT_RECOMPUTE)
    assert event.actor == cases.bureau


def test_only_the_bureau_records_a_benefits_first_decision(cases):
    application = cases.to(ApplicationStatus.APPROVED)
    benefit = application.benefit
    grant = benefit.changes.get(kind=BenefitChange.Kind.GRANT)
    with pytest.raises(NotAllowed):
        services.benefit_grant_record(
            benefit=benefit, actor=cases.caseworker, amount=Decimal("1"), explanation="x", basis=grant.basis
        )
    again = services.benefit_grant_record(
        benefit=benefit, actor=cases.bureau, amount=Decimal("1"), explanation="x", basis=grant.basis
    )
    assert again == grant  # a repeat returns the first decision
    assert again.new_amount != Decimal("1")
