"""After an upheld objection a case needs new evidence; evaluation minutes are content-checked."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from assessments import services as assessment_services
from benefits import services
from benefits.models import ApplicationStatus, DemocraticEvaluation
from sunwu_relief.errors import InvalidInput, WorkflowError
from tests.builders import scan

pytestmark = pytest.mark.django_db


def _upheld(cases):
    application = cases.to(ApplicationStatus.PUBLIC_NOTICE)
    objection = services.objection_record(
        actor=cases.caseworker,
        notice=application.notices.get(),
        raised_by="村民李某",
        content="家中有车",
        raised_on=timezone.localdate(),
    )
    services.objection_resolve(actor=cases.reviewer, objection=objection, upheld=True, resolution="经核实属实")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.INVESTIGATING
    return application


def _reinvestigate(cases, application):
    """A new assessment (with its signed authorisation), a new signed two-person visit, finished."""
    assessment = assessment_services.assessment_start(actor=cases.caseworker, household=application.household)
    assessment_services.authorisation_record(
        actor=cases.caseworker, assessment=assessment, signed_on=timezone.localdate(), signatory="王大山", scan=scan()
    )
    cases.investigate(application)


def _evaluate(cases, application):
    return services.evaluation_record(
        actor=cases.caseworker,
        application=application,
        held_on=timezone.localdate(),
        place="村委会",
        participants="村民代表",
        participant_count=9,
        votes_for=8,
        votes_against=1,
        outcome="agreed",
    )


def test_after_an_upheld_objection_the_old_assessment_and_visit_do_not_finish_the_investigation(cases):
    application = _upheld(cases)
    with pytest.raises(WorkflowError) as exc:
        services.application_finish_investigation(actor=cases.caseworker, application=application)
    assert "investigation.assessment_before_objection" in exc.value.codes
    assert "investigation.visit_before_objection" in exc.value.codes
    application.refresh_from_db()
    assert application.status == ApplicationStatus.INVESTIGATING


def test_after_an_upheld_objection_a_new_assessment_and_visit_finish_it_and_a_new_evaluation_is_needed(cases):
    application = _upheld(cases)
    old_evaluations = application.evaluations.count()
    assert old_evaluations == 1
    _reinvestigate(cases, application)
    services.application_finish_investigation(actor=cases.caseworker, application=application)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.EVALUATING
    # the evaluation before the objection does not count
    with pytest.raises(WorkflowError) as exc:
        services.application_finish_evaluation(actor=cases.caseworker, application=application)
    assert exc.value.codes == ["evaluation.before_objection"]
    _evaluate(cases, application)
    services.application_finish_evaluation(actor=cases.caseworker, application=application)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.TOWNSHIP_REVIEW


def test_a_new_assessment_with_the_old_visit_only_is_not_enough(cases):
    """A new assessment finished after the objection must rest on a visit signed after it."""
    application = _upheld(cases)
    assessment = assessment_services.assessment_start(actor=cases.caseworker, household=application.household)
    with pytest.raises(WorkflowError):
        services.application_finish_investigation(actor=cases.caseworker, application=application)
    assert assessment.is_open


def test_case_page_shows_that_a_new_evaluation_is_needed(cases, client):
    application = _upheld(cases)
    _reinvestigate(cases, application)
    services.application_finish_investigation(actor=cases.caseworker, application=application)
    client.force_login(cases.caseworker)
    response = client.get(f"/applications/{application.pk}/")
    assert response.status_code == 200
    assert [p.code for p in response.context["problems"]] == ["evaluation.before_objection"]


def _at_evaluation(cases):
    return cases.to(ApplicationStatus.EVALUATING)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("minutes.html", b"<script>alert(1)</script>"),
        ("minutes.pdf", b"<html><script>alert(1)</script></html>"),
        ("minutes.png", b"%PDF-1.4 not a png"),
    ],
)
def test_evaluation_minutes_that_are_not_a_real_scan_are_refused(cases, name, content):
    application = _at_evaluation(cases)
    with pytest.raises(InvalidInput) as exc:
        services.evaluation_record(
            actor=cases.caseworker,
            application=application,
            held_on=timezone.localdate(),
            place="村委会",
            participants="村民代表",
            participant_count=9,
            votes_for=8,
            votes_against=1,
            outcome="agreed",
            minutes=SimpleUploadedFile(name, content),
        )
    assert "minutes" in exc.value.field_errors
    assert not DemocraticEvaluation.objects.filter(application=application).exists()


def test_evaluation_minutes_as_pdf_are_kept(cases):
    application = _at_evaluation(cases)
    evaluation = services.evaluation_record(
        actor=cases.caseworker,
        application=application,
        held_on=timezone.localdate() - datetime.timedelta(days=1),
        place="村委会",
        participants="村民代表",
        participant_count=9,
        votes_for=8,
        votes_against=1,
        outcome="agreed",
        minutes=SimpleUploadedFile("minutes.pdf", b"%PDF-1.4 minutes"),
    )
    assert evaluation.minutes.name.endswith(".pdf")


def test_html_minutes_posted_through_the_case_page_are_refused(cases, client):
    application = _at_evaluation(cases)
    client.force_login(cases.caseworker)
    response = client.post(
        f"/applications/{application.pk}/record_evaluation/",
        {
            "record_evaluation-held_on": timezone.localdate().isoformat(),
            "record_evaluation-place": "村委会",
            "record_evaluation-participants": "村民代表",
            "record_evaluation-participant_count": "9",
            "record_evaluation-votes_for": "8",
            "record_evaluation-votes_against": "1",
            "record_evaluation-outcome": "agreed",
            "record_evaluation-minutes": SimpleUploadedFile("m.html", b"<script>alert(1)</script>"),
        },
    )
    assert response.status_code == 400
    assert not DemocraticEvaluation.objects.filter(application=application).exists()
