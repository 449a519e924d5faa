"""The integrity checks' work list: each kind found once from built data and not twice on a
re-run; resolved with a note, cleared when gone, reopened when back; scoped to who may see it."""

import pytest
from django.core.management import call_command

from assessments.models import HouseholdVisit
from audits.integrity.finding_models import IntegrityFinding, IntegrityKind, IntegrityStatus
from audits.integrity.finding_selectors import integrity_findings_for
from audits.integrity.selectors import integrity_settings
from audits.integrity.services.findings import integrity_checks_run, integrity_finding_resolve, open_counts
from audits.integrity.services.register import integrity_settings_save
from benefits.models import ApplicationStatus
from households import services as household_services
from sunwu_relief.authz import system
from sunwu_relief.errors import InvalidInput, NotAllowed, OutOfScope, WorkflowError
from tests.conftest import member_data, new_id_number

pytestmark = pytest.mark.django_db

RUN = system("command:test")
_n = iter(range(1, 10_000))


def unique(household, caseworker, *, village=None):
    """Give a household its own address and 户籍 number (the builder's are all the same)."""
    n = next(_n)
    return household_services.household_update(
        actor=caseworker,
        household=household,
        village=village or household.village,
        address=f"{n}组{n}号",
        hukou_number=f"7{n:08d}",
    )


def heads(name: str):
    return member_data(name=name, relationship="head", id_number=new_id_number(born=f"19{next(_n) % 90 + 10}0203"))


def found_once(kind: str) -> IntegrityFinding:
    """Run twice: the kind has exactly one open finding, and the second run adds nothing."""
    first = integrity_checks_run(actor=RUN)
    assert first.new.get(kind) == 1, first.as_counts()
    second = integrity_checks_run(actor=RUN)
    assert kind not in second.new
    assert open_counts()[kind] == 1
    return IntegrityFinding.objects.get(kind=kind)


def test_the_same_person_in_two_households(make_household, caseworker_sunwu):
    for _ in range(2):
        unique(
            make_household(caseworker_sunwu, head=member_data(name="王 大山", relationship="head")), caseworker_sunwu
        )
    finding = found_once(IntegrityKind.SAME_PERSON)
    assert len(finding.detail["persons"]) == 2
    assert all("*" in p["id_number"] for p in finding.detail["persons"])  # masked in the detail


def test_the_same_hukou_number_across_households_with_benefits(make_household, caseworker_sunwu, cover):
    covered = make_household(caseworker_sunwu, head=heads("甲户主"))
    split = make_household(caseworker_sunwu, head=heads("乙户主"))
    for household in (covered, split):
        household_services.household_update(
            actor=caseworker_sunwu,
            household=household,
            village=household.village,
            address=f"{household.pk}号",
            hukou_number="555",
        )
    cover(covered)
    finding = found_once(IntegrityKind.SHARED_HUKOU)
    assert {h["id"] for h in finding.detail["households"]} == {covered.pk, split.pk}
    assert open_counts()[IntegrityKind.SHARED_ADDRESS] == 0


def test_no_hukou_finding_without_a_benefit(make_household, caseworker_sunwu):
    make_household(caseworker_sunwu, head=heads("甲户主"))
    make_household(caseworker_sunwu, head=heads("乙户主"))
    integrity_checks_run(actor=RUN)
    assert open_counts()[IntegrityKind.SHARED_HUKOU] == 0


def test_the_same_address_across_households_with_benefits(make_household, caseworker_sunwu, cover):
    first = unique(make_household(caseworker_sunwu, head=heads("甲户主")), caseworker_sunwu)
    second = unique(make_household(caseworker_sunwu, head=heads("乙户主")), caseworker_sunwu)
    household_services.household_update(
        actor=caseworker_sunwu, household=second, village=second.village, address=f" {first.address}", hukou_number="42"
    )
    cover(first, second)
    finding = found_once(IntegrityKind.SHARED_ADDRESS)
    assert finding.village_id == first.village_id


def test_a_member_who_moved_shortly_before_the_application(cases, make_household, caseworker_sunwu):
    before = unique(
        make_household(caseworker_sunwu, members=[member_data(name="迁入者")], head=heads("原户主")), caseworker_sunwu
    )
    household = unique(cases.household(), caseworker_sunwu)
    household_services.member_move(
        actor=caseworker_sunwu,
        member=before.members.get(name="迁入者"),
        to_household=household,
        relationship="son",
        reason="投靠",
    )
    application = cases.to(ApplicationStatus.ACCEPTED, application=cases.draft(household=household))
    finding = found_once(IntegrityKind.MOVED_BEFORE_APPLYING)
    assert finding.application_id == application.pk
    assert finding.detail["direction"] == "in"


def test_the_move_window_is_data(cases, make_household, caseworker_sunwu, bureau_reviewer, clock):
    import datetime

    from django.utils import timezone

    before = make_household(caseworker_sunwu, members=[member_data(name="迁入者")], head=heads("原户主"))
    household = cases.household()
    household_services.member_move(
        actor=caseworker_sunwu,
        member=before.members.get(name="迁入者"),
        to_household=household,
        relationship="son",
        reason="投靠",
    )
    row = integrity_settings()
    row.move_window_days = 1
    integrity_settings_save(actor=bureau_reviewer, row=row)
    application = cases.to(ApplicationStatus.ACCEPTED, application=cases.draft(household=household))
    type(application).objects.filter(pk=application.pk).update(accepted_at=timezone.now() + datetime.timedelta(days=3))
    integrity_checks_run(actor=RUN)
    assert open_counts()[IntegrityKind.MOVED_BEFORE_APPLYING] == 0


def test_a_benefit_without_a_signed_visit_stays_at_zero_and_is_found_when_the_record_is_broken(cases):
    cases.to(ApplicationStatus.APPROVED)
    integrity_checks_run(actor=RUN)
    assert open_counts()[IntegrityKind.UNVERIFIED_BENEFIT] == 0  # the workflow makes it impossible
    # Only a record changed behind the services' back can show one: the check must see it.
    signed = list(HouseholdVisit.objects.filter(signed_at__isnull=False).values_list("pk", "signed_at"))
    HouseholdVisit.objects.update(signed_at=None)
    finding = found_once(IntegrityKind.UNVERIFIED_BENEFIT)
    assert finding.detail["missing"] == ["signed_visit"]
    for pk, at in signed:
        HouseholdVisit.objects.filter(pk=pk).update(signed_at=at)
    result = integrity_checks_run(actor=RUN)
    assert result.cleared == 1
    finding.refresh_from_db()
    assert finding.resolution == "cleared"


def test_a_short_notice_period_is_found(cases):
    application = cases.to(ApplicationStatus.APPROVED)
    notice = application.notices.get()
    type(notice).objects.filter(pk=notice.pk).update(ends_on=notice.starts_on)
    finding = found_once(IntegrityKind.UNVERIFIED_BENEFIT)
    assert finding.detail["missing"] == ["full_notice"]


def test_a_worker_who_worked_a_relatives_case(cases, registry, caseworker_sunwu):
    application = cases.to(ApplicationStatus.INVESTIGATING)
    # Registered only afterwards: the refusal could not stop it, the check finds it.
    person = registry.person(user=caseworker_sunwu)
    registry.relative(person, application.household.members.get(relationship="son").id_number)
    finding = found_once(IntegrityKind.RELATIVE_WORKED_CASE)
    assert finding.application_id == application.pk
    assert finding.detail["user"] == caseworker_sunwu.pk
    assert not integrity_findings_for(caseworker_sunwu).filter(pk=finding.pk).exists()  # county only


def test_a_village_with_coverage_far_above_the_countys(
    make_household, caseworker_sunwu, cover, township_sunwu, bureau_reviewer
):
    row = integrity_settings()
    row.coverage_min_members = 1
    integrity_settings_save(actor=bureau_reviewer, row=row)
    villages = list(township_sunwu.villages.order_by("id")[:2])
    favoured = [
        unique(make_household(caseworker_sunwu, head=heads("甲")), caseworker_sunwu, village=villages[0])
        for _ in range(2)
    ]
    for _ in range(6):
        unique(make_household(caseworker_sunwu, head=heads("乙")), caseworker_sunwu, village=villages[1])
    cover(*favoured)
    finding = found_once(IntegrityKind.VILLAGE_COVERAGE)
    assert finding.village_id == villages[0].pk
    assert finding.detail["rate_percent"] == "100.0"
    assert finding.detail["county_rate_percent"] == "25.0"


def test_resolved_with_a_note_stays_resolved_then_reopens_when_it_comes_back(make_household, caseworker_sunwu):
    households = [
        unique(make_household(caseworker_sunwu, head=member_data(name="同名人", relationship="head")), caseworker_sunwu)
        for _ in range(2)
    ]
    finding = found_once(IntegrityKind.SAME_PERSON)
    with pytest.raises(InvalidInput):
        integrity_finding_resolve(actor=caseworker_sunwu, finding=finding, resolution="checked", note=" ")
    integrity_finding_resolve(
        actor=caseworker_sunwu, finding=finding, resolution="checked", note="两人同名同生日，非同一人"
    )
    with pytest.raises(WorkflowError):
        integrity_finding_resolve(actor=caseworker_sunwu, finding=finding, resolution="checked", note="again")
    integrity_checks_run(actor=RUN)
    finding.refresh_from_db()
    assert finding.status == IntegrityStatus.RESOLVED  # still found, but people looked at it
    head = households[1].members.get(relationship="head")
    data = member_data(name="改名人", relationship="head", id_number=head.id_number)
    household_services.member_update(actor=caseworker_sunwu, member=head, data=data)
    integrity_checks_run(actor=RUN)
    finding.refresh_from_db()
    assert not finding.present
    household_services.member_update(
        actor=caseworker_sunwu,
        member=head,
        data=member_data(name="同名人", relationship="head", id_number=head.id_number),
    )
    result = integrity_checks_run(actor=RUN)
    assert result.reopened == 1
    finding.refresh_from_db()
    assert finding.status == IntegrityStatus.OPEN
    assert finding.reopened_count == 1
    assert list(finding.events.values_list("action", flat=True)) == ["found", "resolved", "reopened"]


def test_scope_other_township_and_roles(make_household, caseworker_sunwu, caseworker_chenqing, poverty_office, auditor):
    for _ in range(2):
        unique(make_household(caseworker_sunwu, head=member_data(name="同名人", relationship="head")), caseworker_sunwu)
    finding = found_once(IntegrityKind.SAME_PERSON)
    assert integrity_findings_for(caseworker_sunwu).filter(pk=finding.pk).exists()
    assert not integrity_findings_for(caseworker_chenqing).exists()
    assert not integrity_findings_for(poverty_office).exists()
    with pytest.raises(OutOfScope):
        integrity_finding_resolve(actor=caseworker_chenqing, finding=finding, resolution="checked", note="x")
    with pytest.raises(NotAllowed):
        integrity_checks_run(actor=caseworker_sunwu)
    integrity_finding_resolve(actor=auditor, finding=finding, resolution="referred", note="转县级督查")


def test_the_command_and_the_task(make_household, caseworker_sunwu, capsys):
    from audits.integrity.tasks import run_integrity_checks
    from sunwu_relief.models import AuditEvent

    for _ in range(2):
        unique(make_household(caseworker_sunwu, head=member_data(name="同名人", relationship="head")), caseworker_sunwu)
    call_command("run_integrity_checks")
    out = capsys.readouterr().out
    assert "same_person" in out
    assert run_integrity_checks() is not None
    assert IntegrityFinding.objects.count() == 1
    assert AuditEvent.objects.filter(action="integrity.run").count() == 2
