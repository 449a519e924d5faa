"""The county's spot-check draw: ratio per township rounded up, always-cases in, repeatable."""

import pytest
from django.core.management import call_command

from audits.models import SpotCheckBatch, SpotCheckItem
from audits.rules import draw_sample
from audits.services import spot_check_draw
from benefits import services
from benefits.models import ApplicationStatus
from sunwu_relief.authz import system
from sunwu_relief.errors import NotAllowed, WorkflowError

pytestmark = pytest.mark.django_db


def test_half_of_three_cases_rounded_up_are_drawn_and_must_be_visited(cases, bureau_reviewer):
    applications = [cases.to(ApplicationStatus.COUNTY_REVIEW) for _ in range(3)]
    batch = spot_check_draw(actor=bureau_reviewer, seed=42)
    drawn = [a for a in applications if SpotCheckItem.objects.get(application=a).drawn]
    assert len(drawn) == 2
    assert batch.summary[0]["drawn"] == 2
    assert batch.summary[0]["total"] == 3
    application = drawn[0]
    application.refresh_from_db()
    assert application.spot_check_required
    with pytest.raises(WorkflowError):
        services.application_county_approve(actor=cases.bureau, application=application)


def test_the_draw_is_repeatable_from_its_recorded_seed(cases, bureau_reviewer):
    applications = [cases.to(ApplicationStatus.COUNTY_REVIEW) for _ in range(4)]
    batch = spot_check_draw(actor=bureau_reviewer, seed=7)
    drawn = sorted(str(i.application_id) for i in batch.items.filter(drawn=True))
    from audits.rules import hash_programme

    township_id = applications[0].township_id
    again = draw_sample(
        [str(a.pk) for a in applications], ratio=batch_ratio(batch), seed=7 ^ township_id ^ hash_programme("dibao")
    )
    assert drawn == again


def batch_ratio(batch):
    from decimal import Decimal

    return Decimal(batch.summary[0]["ratio"])


def test_objection_cases_are_always_drawn(cases, bureau_reviewer):
    import datetime

    from django.utils import timezone

    complained = cases.to(ApplicationStatus.PUBLIC_NOTICE)
    objection = services.objection_record(
        actor=cases.caseworker,
        notice=complained.notices.get(),
        raised_by="村民",
        content="有车",
        raised_on=timezone.localdate(),
    )
    services.objection_resolve(actor=cases.reviewer, objection=objection, upheld=False, resolution="核实无车")
    services.application_notice_complete(
        actor=system("task:complete_public_notices"),
        application=complained,
        on=timezone.localdate() + datetime.timedelta(days=8),
    )
    others = [cases.to(ApplicationStatus.COUNTY_REVIEW) for _ in range(3)]
    batch = spot_check_draw(actor=bureau_reviewer, seed=5)
    item = SpotCheckItem.objects.get(application=complained)
    assert item.drawn
    assert item.always_reasons
    assert batch.items.count() == 1 + len(others)


def test_a_second_draw_with_nothing_new_changes_nothing(cases, bureau_reviewer):
    cases.to(ApplicationStatus.COUNTY_REVIEW)
    assert spot_check_draw(actor=bureau_reviewer, seed=1) is not None
    assert spot_check_draw(actor=bureau_reviewer, seed=1) is None
    assert SpotCheckBatch.objects.count() == 1


def test_township_staff_cannot_draw(cases, caseworker_sunwu):
    cases.to(ApplicationStatus.COUNTY_REVIEW)
    with pytest.raises(NotAllowed):
        spot_check_draw(actor=caseworker_sunwu)


def test_command_prints_batch_seed_and_drawn_per_township(cases, capsys):
    cases.to(ApplicationStatus.COUNTY_REVIEW)
    call_command("draw_spot_checks", seed=99)
    out = capsys.readouterr().out
    assert "seed 99" in out
    assert "孙吴镇 dibao: 1/1" in out


def test_bureau_draws_from_the_decision_page_and_is_sent_back(client, cases):
    from django.urls import reverse

    application = cases.to(ApplicationStatus.COUNTY_REVIEW)
    client.force_login(cases.bureau)
    decide = reverse("admin:benefits_application_decide", args=[application.pk])
    page = client.get(decide).content.decode()
    draw = reverse("admin:audits_spotcheckbatch_draw")
    assert f'action="{draw}"' in page
    assert client.get(draw).status_code == 405
    response = client.post(draw, {"next": decide})
    assert response.status_code == 302
    assert response["Location"] == decide
    assert SpotCheckItem.objects.filter(application=application).exists()
    assert f'action="{draw}"' not in client.get(decide).content.decode()
    assert client.post(draw, {"next": "https://evil.example/"})["Location"] == reverse(
        "admin:audits_spotcheckbatch_changelist"
    )


def test_caseworker_cannot_use_the_draw_view(client, cases):
    from django.urls import reverse

    cases.to(ApplicationStatus.COUNTY_REVIEW)
    client.force_login(cases.caseworker)
    response = client.post(reverse("admin:audits_spotcheckbatch_draw"))
    assert response.status_code == 302  # the admin sends non-staff users to its log-in page
    assert SpotCheckBatch.objects.count() == 0


def test_a_year_without_a_standard_draws_with_the_standards_default_ratio(cases, bureau_reviewer):
    from benefits.models import Standard

    applications = [cases.to(ApplicationStatus.COUNTY_REVIEW) for _ in range(3)]
    Standard.objects.filter(programme="dibao").delete()
    batch = spot_check_draw(actor=bureau_reviewer, seed=11)
    default = Standard._meta.get_field("spot_check_ratio").get_default()
    assert batch.summary[0]["ratio"] == str(default)
    assert batch.items.filter(drawn=True).count() == 2  # ⌈0.5 × 3⌉
    assert len(applications) == 3


def test_the_draw_takes_the_same_queries_for_two_cases_as_for_six(cases, bureau_reviewer):
    """Set-based: a county's 10,000 waiting cases cost the queries of two (a fixed number)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from benefits.models import Application

    def draw(count: int) -> tuple[int, SpotCheckBatch]:
        applications = [cases.to(ApplicationStatus.COUNTY_REVIEW) for _ in range(count)]
        with CaptureQueriesContext(connection) as queries:
            batch = spot_check_draw(actor=bureau_reviewer, seed=3)
        assert batch.items.count() == count
        drawn = set(batch.items.filter(drawn=True).values_list("application_id", flat=True))
        marked = set(
            Application.objects.filter(pk__in=[a.pk for a in applications], spot_check_required=True).values_list(
                "pk", flat=True
            )
        )
        assert marked == drawn
        # Each drawn case has its history row and its audit event, as one by one.
        for pk in drawn:
            assert Application.history.filter(id=pk, spot_check_required=True).exists()
        return len(queries), batch

    few, _ = draw(2)
    many, _ = draw(6)
    assert many == few
