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


def test_the_draw_takes_the_same_queries_for_three_cases_as_for_twelve(cases, bureau_reviewer):
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

    few, _ = draw(3)
    many, _ = draw(12)
    assert many == few


def _history_and_event(application):
    """The case's history rows and its audit events of being marked, as plain values (ids and
    times set aside)."""
    from benefits.events import BenefitEvent
    from benefits.models import Application
    from sunwu_relief.models import AuditEvent

    skip = {"id", "history_id", "history_date", "modified", "created", "updated"}
    history = [
        {k: v for k, v in row.items() if k not in skip}
        for row in Application.history.filter(id=application.pk).order_by("history_id").values()
    ]
    events = [
        {k: v for k, v in row.items() if k not in ("id", "created", "object_id")}
        for row in AuditEvent.objects.filter(
            action=BenefitEvent.APPLICATION_SPOT_CHECK, object_id=str(application.pk)
        ).values()
    ]
    return history, events


@pytest.mark.parametrize("by_system", [False, True])
def test_each_drawn_case_gets_the_history_row_and_audit_event_of_a_mark_one_by_one(cases, bureau_reviewer, by_system):
    """Field by field: the draw writes for each drawn case what `application_mark_for_spot_check`
    writes for one (the history row of the change, its author, the audit event), nothing for the
    others."""
    from benefits.models import Application
    from benefits.services.county import application_mark_for_spot_check
    from sunwu_relief.models import AuditEvent

    actor = system("task:draw_spot_checks") if by_system else bureau_reviewer
    applications = [cases.to(ApplicationStatus.COUNTY_REVIEW) for _ in range(3)]
    before = {a.pk: Application.history.filter(id=a.pk).count() for a in applications}
    batch = spot_check_draw(actor=actor, seed=21)
    drawn = set(batch.items.filter(drawn=True).values_list("application_id", flat=True))
    assert len(drawn) == 2
    # The same case marked one by one (a fresh one in the same state), for the reference.
    reference = cases.to(ApplicationStatus.COUNTY_REVIEW)
    application_mark_for_spot_check(actor=actor if not by_system else None, application=reference)
    ref_history, ref_events = _history_and_event(reference)
    assert len(ref_events) == 1
    for application in applications:
        history, events = _history_and_event(application)
        if application.pk not in drawn:
            assert len(history) == before[application.pk]
            assert events == []
            continue
        assert len(history) == before[application.pk] + 1
        latest, ref_latest = history[-1], ref_history[-1]
        assert latest["spot_check_required"] is True
        assert latest["history_type"] == "~"
        assert latest["history_user_id"] == (None if by_system else bureau_reviewer.pk)
        assert latest["history_change_reason"] is None
        application.refresh_from_db()
        for field in Application._meta.concrete_fields:
            if field.attname not in ("id", "modified", "created", "updated"):
                assert latest[field.attname] == getattr(application, field.attname), field.attname
        # The history's own columns as the one-by-one mark writes them.
        meta = ("history_type", "history_user_id", "history_change_reason", "spot_check_required")
        assert {k: latest[k] for k in meta} == {k: ref_latest[k] for k in meta}
        (event,) = events
        assert event == {**ref_events[0], "township_id": application.township_id}
        assert event["object_type"] == "benefits.application"
        assert event["actor_id"] == (None if by_system else bureau_reviewer.pk)
        assert event["success"] is True
        # The system's draw reaches benefits without an author (its own event names the system).
        assert event["detail"] == {}
        row = AuditEvent.objects.get(action=event["action"], object_id=str(application.pk))
        assert row.created is not None


def test_a_draw_that_fails_while_marking_leaves_nothing(cases, bureau_reviewer, monkeypatch):
    """All or nothing: the batch, its items, the marks and their history go with the failure."""
    from benefits.models import Application
    from benefits.services import spot_checks as marking

    applications = [cases.to(ApplicationStatus.COUNTY_REVIEW) for _ in range(3)]
    history = Application.history.count()

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(marking, "record_events_of", broken)
    with pytest.raises(RuntimeError):
        spot_check_draw(actor=bureau_reviewer, seed=4)
    assert SpotCheckBatch.objects.count() == 0
    assert SpotCheckItem.objects.count() == 0
    assert not Application.objects.filter(pk__in=[a.pk for a in applications], spot_check_required=True).exists()
    assert Application.history.count() == history
