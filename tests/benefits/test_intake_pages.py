"""The one-door and 特困 support pages: a request registered, its receipt printed with the office,
date, seal line and number, referred and answered through the pages; the county's admin for homes
(a placement refused in a full home), the standard review; scope and roles; query counts pinned."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from benefits.carehomes.models import CareHome, LivingLevel, Placement
from benefits.carehomes.services import PlacementData, care_home_save, placement_start, self_care_assess
from benefits.intake.models import Department, IntakeRequest
from benefits.intake.services import IntakeData, intake_refer, intake_register
from benefits.models import Standard
from tests.benefits.programme_builders import benefit_from_roll
from tests.conftest import member_data

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 3, 2)


def register(actor, **overrides):
    values = {"channel": "phone", "kind": "education", "requester_name": "村干部刘明", "request": "孩子上学困难"}
    values.update(overrides)
    values.setdefault("person_name", "周小雨")
    return intake_register(actor=actor, data=IntakeData(**values))


def test_a_request_registered_referred_and_answered_through_the_pages(
    client, caseworker_sunwu, reviewer_sunwu, township_sunwu, clock
):
    clock.move_to(DAY)
    client.force_login(caseworker_sunwu)
    response = client.post(
        reverse("benefits:intake-create"),
        {
            "channel": "in_person",
            "kind": "education",
            "requester_name": "周大海",
            "requester_relation": "父亲",
            "person_name": "周小雨",
            "request": "孩子读高中，学费困难",
        },
    )
    intake = IntakeRequest.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("benefits:intake", args=[intake.pk])
    receipt = client.get(reverse("benefits:intake-receipt", args=[intake.pk]))
    body = receipt.content.decode()
    assert receipt.status_code == 200
    assert intake.receipt_number in body
    assert township_sunwu.name in body
    assert "2026年3月2日" in body
    assert 'class="seal"' in body
    department = Department.objects.get(code="education")
    step = reverse("benefits:intake-step", args=[intake.pk, "refer"])
    assert client.post(step, {"department": department.pk, "handed_over": "户口本、学生证复印件"}).status_code == 302
    intake.refresh_from_db()
    assert intake.status == "referred"
    page = client.get(reverse("benefits:intake", args=[intake.pk]))
    assert b'data-testid="referral"' in page.content
    client.force_login(reviewer_sunwu)
    answer = reverse("benefits:intake-step", args=[intake.pk, "answer"])
    assert client.post(answer, {"outcome": "handled", "answer": "已纳入国家助学金"}).status_code == 302
    intake.refresh_from_db()
    assert intake.status == "answered"
    # A caseworker's step the reviewer may not take is not offered; posted, it is refused.
    application = reverse("benefits:intake-step", args=[intake.pk, "application"])
    client.post(application, {"programme": "dibao"})
    intake.refresh_from_db()
    assert intake.status == "answered"


def test_pages_of_another_township_are_not_found(client, caseworker_sunwu, caseworker_chenqing, poverty_office):
    intake = register(caseworker_sunwu)
    client.force_login(caseworker_chenqing)
    for name in ("benefits:intake", "benefits:intake-receipt"):
        assert client.get(reverse(name, args=[intake.pk])).status_code == 404
    step = reverse("benefits:intake-step", args=[intake.pk, "close"])
    assert client.post(step, {"reason_code": "withdrawn", "note": "撤回"}).status_code == 404
    client.force_login(poverty_office)
    assert client.get(reverse("benefits:intake-list")).status_code == 403
    assert client.get(reverse("benefits:care-list")).status_code == 403


def test_the_list_marks_overdue_referrals_and_its_queries_are_fixed(
    client, caseworker_sunwu, bureau_reviewer, django_assert_max_num_queries, clock
):
    clock.move_to(DAY)
    education = Department.objects.get(code="education")
    for n in range(5):
        intake = register(caseworker_sunwu, person_name=f"学生{n}")
        intake_refer(actor=caseworker_sunwu, intake=intake, department=education, handed_over="材料")
    clock.move_to(DAY + datetime.timedelta(days=30))
    client.force_login(bureau_reviewer)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("benefits:intake-list"))
    assert response.content.count(b'data-testid="referral-overdue"') == 5
    assert b'data-testid="overdue-by-township"' in response.content


@pytest.fixture
def supported(make_household, caseworker_sunwu, bureau_reviewer):
    names = iter(["赵老汉", "钱老汉", "孙老汉", "李老汉", "周老汉", "吴老汉"])

    def build():
        household = make_household(caseworker_sunwu, head=member_data(name=next(names), relationship="head"))
        benefit_from_roll(household, actor=bureau_reviewer, programme="tekun")
        return household.members.get(relationship="head")

    return build


def test_support_at_home_through_the_pages(client, caseworker_sunwu, supported, clock):
    clock.move_to(DAY)
    person = supported()
    client.force_login(caseworker_sunwu)
    listing = client.get(reverse("benefits:care-list"))
    assert person.name in listing.content.decode()
    step = reverse("benefits:care-step", args=[person.pk, "at-home"])
    client.post(
        step,
        {
            "start_on": "2026-03-02",
            "carer_name": "赵小军",
            "carer_relation": "侄子",
            "agreement_signed_on": "2026-03-01",
        },
    )
    assert Placement.objects.get(member=person).mode == "dispersed"
    assess = reverse("benefits:care-step", args=[person.pk, "assess"])
    client.post(assess, {"level": "semi_disabled", "assessed_on": "2026-03-02", "assessed_by": "乡镇卫生院"})
    page = client.get(reverse("benefits:care-person", args=[person.pk]))
    assert b'data-level="semi_disabled"' in page.content


def test_the_dispersed_list_has_a_fixed_number_of_queries(
    client, caseworker_sunwu, supported, django_assert_max_num_queries, clock
):
    clock.move_to(DAY)
    for _n in range(4):
        person = supported()
        data = PlacementData(mode="dispersed", start_on=DAY, carer_name="邻居", agreement_signed_on=DAY)
        placement_start(actor=caseworker_sunwu, member=person, data=data)
        self_care_assess(
            actor=caseworker_sunwu, member=person, level="fully_disabled", assessed_on=DAY, assessed_by="医院"
        )
    client.force_login(caseworker_sunwu)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("benefits:care-list"))
    assert response.content.decode().count("全失能") == 4


def test_the_admin_refuses_a_placement_in_a_full_home(client, bureau_reviewer, supported, township_sunwu, clock):
    clock.move_to(DAY)
    home = care_home_save(
        actor=bureau_reviewer,
        home=CareHome(
            name="五保家园", kind="wubao_home", operator="镇政府", township=township_sunwu, address="一组", capacity=1
        ),
    )
    first, second = supported(), supported()
    client.force_login(bureau_reviewer)
    place = reverse("admin:benefits_placement_place")
    assert client.post(place, {"member": first.pk, "home": home.pk, "start_on": "2026-03-02"}).status_code == 302
    refused = client.post(place, {"member": second.pk, "home": home.pk, "start_on": "2026-03-02"})
    assert refused.status_code == 200
    assert not Placement.objects.filter(member=second).exists()
    homes = client.get(reverse("admin:benefits_carehome_changelist"))
    assert homes.status_code == 200


def test_the_admin_review_refuses_a_tekun_standard_below_the_living_level(client, bureau_reviewer, auditor, clock):
    clock.move_to(DAY)
    LivingLevel.objects.create(year=2026, expenditure=Decimal("12000"), expenditure_year=2025, source="统计公报")
    standard = Standard.objects.get(programme="tekun", year=2026)
    client.force_login(bureau_reviewer)
    review = client.get(reverse("admin:benefits_livinglevel_changelist"))
    assert b'data-testid="below"' in review.content
    url = reverse("admin:benefits_livinglevel_standard", args=[standard.pk])
    assert client.post(url, {"basic": "999"}).status_code == 200
    standard.refresh_from_db()
    assert standard.tekun_basic != Decimal("999")
    assert client.post(url, {"basic": "1000"}).status_code == 302
    standard.refresh_from_db()
    assert standard.tekun_basic == Decimal("1000")
    client.force_login(auditor)
    assert client.get(reverse("admin:benefits_livinglevel_changelist")).status_code == 200
    assert client.post(url, {"basic": "1200"}).status_code == 403


def test_the_case_page_of_an_application_from_the_door_shows_the_receipt_number(
    client, caseworker_sunwu, household_sunwu
):
    head = household_sunwu.members.get(relationship="head")
    intake = register(caseworker_sunwu, kind="dibao", member=head, person_name="")
    client.force_login(caseworker_sunwu)
    step = reverse("benefits:intake-step", args=[intake.pk, "application"])
    response = client.post(step, {"programme": "dibao"})
    intake.refresh_from_db()
    assert response.url == reverse("benefits:application", args=[intake.application_id])
    assert intake.receipt_number in client.get(response.url).content.decode()


def test_the_admin_writes_placements_only_through_its_own_pages(client, bureau_reviewer):
    client.force_login(bureau_reviewer)
    assert client.get(reverse("admin:benefits_placement_add")).status_code == 403
    assert client.get(reverse("admin:benefits_selfcareassessment_add")).status_code == 403
    assert client.get(reverse("admin:benefits_placement_place")).status_code == 200


def test_the_person_page_shows_when_the_benefit_pays_another_self_care_level(client, cases, caseworker_sunwu, clock):
    from django.utils import timezone

    from assessments import services as assessment_services
    from benefits import services
    from tests.builders import scan
    from tests.conftest import new_id_number

    household = cases.make_household(
        caseworker_sunwu, head=member_data(name="赵老汉", relationship="head", id_number=new_id_number(born="19450101"))
    )
    assessment = assessment_services.assessment_start(actor=caseworker_sunwu, household=household)
    assessment_services.authorisation_record(
        actor=caseworker_sunwu, assessment=assessment, signed_on=timezone.localdate(), signatory="赵老汉", scan=scan()
    )
    elder = household.members.get()
    application = services.application_create(
        actor=caseworker_sunwu, household=household, programme="tekun", single_member=elder
    )
    cases.to("township_review", application=application)
    services.application_township_approve(
        actor=cases.reviewer, application=application, opinion="符合特困供养条件", care_level="semi_disabled"
    )
    cases.to("approved", application=application)
    client.force_login(caseworker_sunwu)
    page = reverse("benefits:care-person", args=[elder.pk])
    today = timezone.localdate()
    self_care_assess(actor=caseworker_sunwu, member=elder, level="semi_disabled", assessed_on=today, assessed_by="医院")
    body = client.get(page).content
    assert b'data-testid="paid-level" data-level="semi_disabled"' in body
    assert b'data-testid="level-differs"' not in body
    later = today + datetime.timedelta(days=1)
    clock.move_to(later)
    self_care_assess(
        actor=caseworker_sunwu, member=elder, level="fully_disabled", assessed_on=later, assessed_by="医院"
    )
    assert b'data-testid="level-differs"' in client.get(page).content
