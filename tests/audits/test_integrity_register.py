"""The close-relatives register 近亲属备案: a match files the case, which is always drawn and
always visited by the county; the relative-worker is refused; the register is the county's."""

import datetime

import pytest
from django.utils import timezone

from audits.integrity.models import RegisteredRelative, RelationKind
from audits.integrity.services import register
from audits.models import SpotCheckItem
from audits.services.spot_checks import spot_check_draw
from benefits import services
from benefits.models import ApplicationStatus
from sunwu_relief.errors import InvalidInput, NotAllowed, WorkflowError
from sunwu_relief.models import AuditEvent

pytestmark = pytest.mark.django_db


def son_id(household) -> str:
    return household.members.get(relationship="son").id_number


def test_a_registered_relatives_application_is_filed_drawn_and_needs_the_county_visit(cases, registry):
    household = cases.household()
    person = registry.person()
    registry.relative(person, son_id(household))
    filed = cases.to(ApplicationStatus.COUNTY_REVIEW, application=cases.draft(household=household))
    assert filed.filed
    assert filed.filed_reasons
    assert "王小明" in filed.filed_reasons[0]
    assert "赵登记" not in filed.filed_reasons[0]  # who is related stays in the register
    others = [cases.to(ApplicationStatus.COUNTY_REVIEW) for _ in range(5)]
    assert not any(o.filed for o in others)
    for seed in (1, 2, 3):  # whatever the seed, the filed case is in the sample
        SpotCheckItem.objects.all().delete()
        spot_check_draw(actor=cases.bureau, seed=seed)
        assert SpotCheckItem.objects.get(application=filed).drawn
    filed.refresh_from_db()
    assert services.county_visit_required(filed)
    with pytest.raises(WorkflowError):
        services.application_county_approve(actor=cases.bureau, application=filed)
    services.county_visit_record(
        actor=cases.bureau,
        application=filed,
        visited_on=timezone.localdate(),
        visitors=[cases.bureau],
        result="confirmed",
        findings="入户核实",
    )
    services.application_county_approve(actor=cases.bureau, application=filed)
    filed.refresh_from_db()
    assert filed.status == ApplicationStatus.APPROVED


def test_the_persons_own_household_is_filed_too(cases, registry):
    household = cases.household()
    registry.person(id_number=son_id(household))
    application = cases.to(ApplicationStatus.ACCEPTED, application=cases.draft(household=household))
    assert application.filed


def test_a_relative_registered_while_the_case_runs_files_it(cases, registry):
    application = cases.to(ApplicationStatus.INVESTIGATING)
    assert not application.filed
    registry.relative(registry.person(), son_id(application.household))
    application.refresh_from_db()
    assert application.filed
    assert AuditEvent.objects.filter(action="application.file", object_id=str(application.pk)).exists()


def test_no_filing_for_a_person_who_left_the_post_or_an_ended_registration(cases, registry, bureau_reviewer):
    left = registry.person(left_on=datetime.date(2020, 1, 1))
    first = cases.household()
    registry.relative(left, son_id(first))
    assert not cases.to(ApplicationStatus.ACCEPTED, application=cases.draft(household=first)).filed
    second = cases.household()
    relative = registry.relative(registry.person(), son_id(second))
    register.relative_remove(actor=bureau_reviewer, relative=relative, reason="登记有误")
    assert not cases.to(ApplicationStatus.ACCEPTED, application=cases.draft(household=second)).filed


def test_registering_is_audited_and_a_repeat_does_nothing(registry, household_sunwu):
    person = registry.person()
    number = household_sunwu.members.get(relationship="son").id_number
    first = registry.relative(person, number)
    again = registry.relative(person, number)
    assert first.pk == again.pk
    assert RegisteredRelative.objects.count() == 1
    events = AuditEvent.objects.filter(action="integrity.relative_register")
    assert events.count() == 1
    assert events.get().detail["relation"] == "sibling"
    assert AuditEvent.objects.filter(action="integrity.person_save", object_id=str(person.pk)).exists()


@pytest.mark.parametrize("who", ["caseworker_sunwu", "reviewer_sunwu", "auditor", "poverty_office"])
def test_only_the_bureau_registers(request, who, registry, household_sunwu):
    person = registry.person()
    actor = request.getfixturevalue(who)
    with pytest.raises(NotAllowed):
        register.relative_register(
            actor=actor,
            person=person,
            name="某某",
            id_number=household_sunwu.members.first().id_number,
            relation=RelationKind.objects.get(code="spouse"),
        )
    assert not RegisteredRelative.objects.exists()


def test_bad_input_is_refused_with_codes(registry, bureau_reviewer):
    person = registry.person()
    with pytest.raises(InvalidInput) as bad:
        registry.relative(person, "231124198001010000")
    assert bad.value.code == "integrity.id_number"
    spouse = RelationKind.objects.get(code="spouse")
    spouse.active = False
    spouse.save()
    from tests.conftest import new_id_number

    with pytest.raises(InvalidInput) as inactive:
        registry.relative(person, new_id_number(), relation="spouse")
    assert "relation" in inactive.value.field_errors
    with pytest.raises(InvalidInput) as own:
        registry.relative(person, person.id_number)
    assert "id_number" in own.value.field_errors


def test_the_relation_list_is_data_with_the_default_relations():
    codes = set(RelationKind.objects.values_list("code", flat=True))
    assert {
        "spouse",
        "parent",
        "parent_in_law",
        "child",
        "child_spouse",
        "sibling",
        "grandparent",
        "grandchild",
    } <= codes


def test_the_register_is_visible_to_county_staff_only(client, registry, household_sunwu, caseworker_sunwu, auditor):
    person = registry.person()
    relative = registry.relative(person, son_id(household_sunwu))
    client.force_login(caseworker_sunwu)
    assert client.get("/admin/audits/registeredrelative/").status_code == 302  # no admin for townships
    client.force_login(auditor)
    page = client.get("/admin/audits/registeredrelative/")
    assert page.status_code == 200
    body = page.content.decode()
    assert relative.masked_id_number in body  # auditors see masked numbers
    assert relative.id_number not in body
    assert client.get("/admin/audits/registeredrelative/add/").status_code == 403


def test_the_bureau_registers_in_the_admin_with_an_access_logged_list(
    client, bureau_reviewer, registry, household_sunwu
):
    from sunwu_relief.models import AccessLog

    person = registry.person()
    client.force_login(bureau_reviewer)
    number = son_id(household_sunwu)
    response = client.post(
        "/admin/audits/registeredrelative/add/",
        {
            "person": person.pk,
            "name": "王小明",
            "id_number": number,
            "relation": RelationKind.objects.get(code="child").pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert RegisteredRelative.objects.get(id_number=number).registered_by == bureau_reviewer
    assert AuditEvent.objects.filter(action="integrity.relative_register").exists()
    assert number in client.get("/admin/audits/registeredrelative/").content.decode()
    assert AccessLog.objects.filter(user=bureau_reviewer, object_type="audits.registeredrelative").exists()
    bad = client.post(
        "/admin/audits/registeredrelative/add/",
        {"person": person.pk, "name": "错", "id_number": "123", "relation": RelationKind.objects.get(code="child").pk},
    )
    assert bad.status_code == 200  # the form again, with the error
