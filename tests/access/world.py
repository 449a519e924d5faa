"""The world the access matrix runs against: the same objects in two townships, 孙吴镇 (the
township users' own) and 辰清镇 (the other), built once per module through the real services.

Each person's name is unique in the world, so that a response that shows the other township's
household is found by its text (tests/access/test_matrix.py)."""

import datetime
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken

from assessments import services as assessment_services
from assessments.services.department_import import FORMATS as DEPARTMENT_FORMATS
from assessments.services.department_import import department_import_submit
from audits.complaints.services import ComplaintData, complaint_record
from audits.integrity.finding_models import IntegrityFinding
from audits.integrity.models import PersonKind, RegisteredPerson, RelationKind
from audits.integrity.services import register
from audits.integrity.services.findings import integrity_checks_run
from audits.models import Finding
from audits.services import reconciliation_run
from benefits.carehomes.models import CareHome, LivingLevel
from benefits.carehomes.services import (
    PlacementData,
    care_home_save,
    living_level_save,
    placement_start,
    self_care_assess,
)
from benefits.intake.models import Department
from benefits.intake.services import IntakeData, intake_refer, intake_register
from benefits.medical.services import medical_claim_record
from benefits.models import ApplicationStatus, Standard
from benefits.payments import services as payments
from benefits.reviews.models import CampaignScope, ReviewReason
from benefits.reviews.services import campaign_create, review_open
from benefits.rules import add_months
from benefits.temporary.models import TemporaryPayment
from benefits.temporary.services import TemporaryData, temporary_case_create, temporary_township_approve
from households import services as household_services
from households.ledger import ledger_import_rows
from households.models import Township
from households.services.ledger_jobs import ledger_import_submit
from sunwu_relief.audit import record_access
from sunwu_relief.authz import system
from sunwu_relief.roles import Role
from tests.audits.conftest import ledger_rows_for
from tests.benefits.payment_builders import give_payee
from tests.benefits.programme_builders import benefit_from_roll, claim
from tests.builders import CaseBuilder, scan
from tests.conftest import CHENQING, SUNWU, make_user, member_data, new_id_number

# Each township's people: (head, son, 特困 person, intake person). Unique across the world.
NAMES = {
    SUNWU: ("王大山", "王小明", "赵老汉", "孙立平"),
    CHENQING: ("李春花", "李秋实", "钱老汉", "周素芬"),
}


@dataclass
class Side:
    """One township's objects."""

    township: Township
    caseworker: object
    caseworker2: object
    reviewer: object
    objects: dict = field(default_factory=dict)
    names: list[str] = field(default_factory=list)
    id_numbers: list[str] = field(default_factory=list)

    def __getitem__(self, key: str):
        return self.objects[key]


@dataclass
class World:
    own: Side
    other: Side
    users: dict
    county: dict
    tokens: dict
    admin_objects: dict = field(default_factory=dict)
    sessions: dict = field(default_factory=dict)  # persona -> session key (the module's log-ins)

    def side(self, which: str) -> Side:
        return self.own if which == "own" else self.other


def _household(caseworker, *, head: str, son: str, wages: Decimal = Decimal("300")):
    """A household ready for a case (as CaseBuilder.household, with the world's own names)."""
    village = caseworker.staff_profile.township.villages.order_by("id").first()
    household = household_services.household_create(
        actor=caseworker,
        village=village,
        address="一组1号",
        hukou_number=f"{new_id_number()[-9:]}",
        head=member_data(name=head, relationship="head"),
    )
    household_services.member_add(
        actor=caseworker,
        household=household,
        data=member_data(name=son, relationship="son", id_number=new_id_number(born="20150301")),
    )
    assessment = assessment_services.assessment_start(actor=caseworker, household=household)
    assessment_services.authorisation_record(
        actor=caseworker, assessment=assessment, signed_on=timezone.localdate(), signatory=head, scan=scan()
    )
    assessment_services.income_add(
        actor=caseworker,
        assessment=assessment,
        member=household.members.get(relationship="head"),
        kind="wages",
        monthly_amount=wages,
    )
    return household


def _side(township: Township, suffix: str, users: dict) -> Side:
    caseworker = make_user(f"cw_{suffix}", Role.CASEWORKER, township)
    caseworker2 = make_user(f"cw2_{suffix}", Role.CASEWORKER, township)
    reviewer = make_user(f"tr_{suffix}", Role.TOWNSHIP_REVIEWER, township)
    return Side(township=township, caseworker=caseworker, caseworker2=caseworker2, reviewer=reviewer)


def _build_side(side: Side, users: dict) -> None:
    head_name, son_name, tekun_name, intake_name = NAMES[side.township.name]
    bureau = users["bureau_reviewer"]
    cw = side.caseworker
    cases = CaseBuilder(
        caseworker=cw, caseworker2=side.caseworker2, reviewer=side.reviewer, bureau=bureau, make_household=None
    )
    household = _household(cw, head=head_name, son=son_name)
    application = cases.to(ApplicationStatus.APPROVED, cases.draft(household=household))
    household.refresh_from_db()
    head = household.members.get(relationship="head")
    son = household.members.get(relationship="son")
    assessment = application.assessment
    visit = assessment.visits.order_by("pk").first()
    benefit = application.benefit
    payee = give_payee(benefit, actor=cw)
    income = assessment.incomes.order_by("pk").first()
    authorisation = assessment.authorisations.order_by("pk").first()
    labour = assessment_services.labour_assessment_record(
        actor=cw, member=son, result="normal", assessed_on=timezone.localdate(), document=scan()
    )

    # A draft case (steps to refuse), on a second household of the township.
    draft_household = _household(cw, head=f"{head_name[0]}二户", son=f"{head_name[0]}二子")
    draft = cases.draft(household=draft_household)

    # 特困: a person alone, supported from the roll, placed in the township's care home.
    tekun_household = household_services.household_create(
        actor=cw,
        village=household.village,
        address="二组2号",
        hukou_number=f"{new_id_number()[-9:]}",
        head=member_data(name=tekun_name, relationship="head", id_number=new_id_number(born="19450101")),
    )
    benefit_from_roll(tekun_household, actor=bureau, programme="tekun")
    supported = tekun_household.members.get(relationship="head")
    home = care_home_save(
        actor=bureau,
        home=CareHome(
            name=f"{side.township.name}中心敬老院",
            kind="nursing_home",
            operator=f"{side.township.name}人民政府",
            township=side.township,
            address=f"{side.township.name}敬老院路1号",
            capacity=5,
        ),
    )
    placement = placement_start(
        actor=bureau,
        member=supported,
        data=PlacementData(mode="centralised", home=home, start_on=timezone.localdate(), room="101"),
    )

    # The roll's 特困 benefit runs since January: a claim treated in March is covered.
    claim_row = medical_claim_record(
        actor=cw,
        member=supported,
        data=claim(self_pay="600", treated_on=datetime.date(timezone.localdate().year, 3, 2)),
    )
    temporary = temporary_case_create(
        actor=cw,
        data=TemporaryData(
            kind="emergency",
            cause="accident",
            circumstances="房屋失火，衣物被褥全部烧毁",
            amount=Decimal("800"),
            emergency_grant=True,
            member=son,
        ),
    )
    temporary = temporary_township_approve(actor=side.reviewer, case=temporary, opinion="情况紧急，先行救助")
    one_off = TemporaryPayment.objects.get(case=temporary)
    intake = intake_register(
        actor=cw,
        data=IntakeData(
            channel="in_person",
            kind="dibao",
            requester_name=intake_name,
            requester_relation="本人",
            request="家中两人患病，无力维持基本生活，申请低保",
            person_name=intake_name,
        ),
    )
    referred = intake_register(
        actor=cw,
        data=IntakeData(
            channel="in_person",
            kind="education",
            requester_name=intake_name,
            requester_relation="本人",
            request="孩子上学需要助学金",
            person_name=intake_name,
        ),
    )
    referral = intake_refer(
        actor=cw, intake=referred, department=Department.objects.get(code="education"), handed_over="申请材料"
    )
    complaint = complaint_record(
        actor=cw,
        data=ComplaintData(
            channel="phone",
            received_on=timezone.localdate(),
            content="反映该户有小轿车，收入不实",
            anonymous=False,
            reporter_name="举报人甲",
            reporter_contact="",
            household=household,
            application=application,
        ),
    )
    person = register.person_save(
        actor=bureau,
        person=RegisteredPerson(
            kind=PersonKind.CIVIL_AFFAIRS,
            name=f"{head_name[0]}登记",
            id_number=new_id_number(born="19750505"),
            post="民政助理",
            township=side.township,
            village=household.village,
            user=cw,
        ),
    )
    relative = register.relative_register(
        actor=bureau,
        person=person,
        name=head_name,
        id_number=head.id_number,
        relation=RelationKind.objects.get(code="sibling"),
    )
    job = assessment_services.cross_check_township_start(actor=cw, township=side.township)
    written_notice = household.written_notices.order_by("pk").first()

    side.objects.update(
        household=household,
        head=head,
        member=son,
        assessment=assessment,
        income=income,
        authorisation=authorisation,
        visit=visit,
        application=application,
        draft=draft,
        benefit=benefit,
        payee=payee,
        written_notice=written_notice,
        supported=supported,
        care_home=home,
        placement=placement,
        medical_claim=claim_row,
        temporary=temporary,
        one_off=one_off,
        intake=intake,
        referred=referred,
        referral=referral,
        complaint=complaint,
        registered_person=person,
        relative=relative,
        job=job,
        labour=labour,
    )
    side.names = [head_name, son_name, tekun_name, intake_name, person.name]
    side.id_numbers = [head.id_number, son.id_number, supported.id_number]


def _admin_extras(own: Side, users: dict) -> None:
    """Rows that only the admin shows: a member's move, a self-care assessment, a living level,
    an access-log row, the township's contact (its history), a failed log-in (django-axes)."""
    bureau, cw = users["bureau_reviewer"], own.caseworker
    moving = household_services.household_create(
        actor=cw,
        village=own["household"].village,
        address="三组3号",
        hukou_number=f"{new_id_number()[-9:]}",
        head=member_data(name="孙迁出", relationship="head"),
    )
    mover = household_services.member_add(
        actor=cw, household=moving, data=member_data(name="孙迁入", relationship="son", id_number=new_id_number())
    )
    household_services.member_move(
        actor=cw, member=mover, to_household=own["draft"].household, relationship="son", reason="随父迁入"
    )
    self_care_assess(
        actor=cw,
        member=own["supported"],
        level="semi_disabled",
        assessed_on=timezone.localdate(),
        assessed_by="乡镇评估组",
    )
    year = timezone.localdate().year
    living_level_save(
        actor=bureau,
        level=LivingLevel(
            year=year,
            expenditure=Decimal("1200"),
            expenditure_year=year - 1,
            price_index=Decimal("100"),
            source="统计公报",
        ),
    )
    record_access(
        user=bureau, obj=own["household"], channel="ui", full_id_numbers=True, health_data=False, ip_address=None
    )
    household_services.township_contact_save(
        actor=bureau, township=own.township, service_address="孙吴镇政府一楼", service_telephone="0456-0000001"
    )
    Client().post(reverse("login"), {"username": cw.username, "password": "not-the-password"})


def _admin_only_objects(own: Side, other: Side, users: dict) -> None:
    """The admin's objects that no page of ours makes, so that their object pages are asked too:
    a department's file imported (the service a worker runs) naming a person of each township,
    django-axes's log rows, a clocked and a solar schedule, and one past version of the rows that
    migrations made (saved once, test world only: their history page needs one)."""
    from axes.models import AccessFailureLog, AccessLog
    from django_celery_beat.models import ClockedSchedule, SolarSchedule

    from assessments.models import PolicyLimits, Source
    from assessments.services import department_import
    from benefits.models import Bank, Holiday
    from households.models import CountySettings
    from tests.assessments.conftest import VEHICLE_HEADERS, xlsx_bytes

    bureau = users["bureau_reviewer"]
    rows = [
        [side["head"].id_number, side["head"].name, f"黑N{n:05d}", "小型轿车", "2020-01-01", "正常"]
        for n, side in enumerate((own, other), start=1)
    ]
    department_import(
        actor=bureau,
        source=Source.VEHICLE,
        data_date=timezone.localdate(),
        file=xlsx_bytes(VEHICLE_HEADERS, rows),
        filename="vehicles.xlsx",
    )
    seen = {"ip_address": "127.0.0.1", "user_agent": "Mozilla/5.0", "http_accept": "text/html"}
    AccessLog.objects.create(username=own.caseworker.username, path_info="/accounts/login/", **seen)
    AccessFailureLog.objects.create(username=own.caseworker.username, path_info="/accounts/login/", **seen)
    ClockedSchedule.objects.create(clocked_time=timezone.now())
    SolarSchedule.objects.create(event="sunrise", latitude=Decimal("49.42"), longitude=Decimal("127.33"))
    for model in (CountySettings, PolicyLimits, Bank, Standard, Holiday):
        first = model.objects.order_by("pk").first()
        first._history_user = bureau
        first.save()


def build_world() -> World:
    users = {
        "bureau_reviewer": make_user("bureau", Role.BUREAU_REVIEWER),
        "bureau_reviewer2": make_user("bureau2", Role.BUREAU_REVIEWER),
        "auditor": make_user("auditor", Role.AUDITOR),
        "poverty_office": make_user("poverty", Role.POVERTY_OFFICE),
        "stranger": make_user("stranger", None),
    }
    own = _side(Township.objects.get(name=SUNWU), "sunwu", users)
    other = _side(Township.objects.get(name=CHENQING), "chenqing", users)
    inactive = make_user("cw_inactive", Role.CASEWORKER, own.township)
    get_user_model().objects.filter(pk=inactive.pk).update(is_active=False)
    users.update(caseworker=own.caseworker, township_reviewer=own.reviewer, inactive=inactive)
    for side in (own, other):
        _build_side(side, users)
    # County-wide objects: the ledger's findings, the integrity findings, a payment batch.
    ledger = ledger_rows_for(own["household"], number="L-1") + ledger_rows_for(other["household"], number="L-2")
    result = ledger_import_rows(ledger, actor=system("test:access"))
    assert result.succeeded, [str(e) for e in result.errors]
    reconciliation_run(actor=system("test:access"))
    integrity_checks_run(actor=system("test:access"))
    month = timezone.localdate().replace(day=1)
    batch, _created = payments.payment_batch_prepare(actor=users["bureau_reviewer"], programme="dibao", month=month)
    # Last month's 特困 payments (the roll's benefits run since January) sent to the bank: the
    # supported persons have no account, so each township's failed-payments list has its own.
    failed, _created = payments.payment_batch_prepare(
        actor=users["bureau_reviewer"], programme="tekun", month=add_months(month, -1)
    )
    failed = payments.payment_batch_approve(actor=users["bureau_reviewer2"], batch=failed)
    payments.payment_batch_export(actor=users["bureau_reviewer"], batch=failed, target=io.BytesIO())
    _admin_extras(own, users)
    _admin_only_objects(own, other, users)
    ledger_job = ledger_import_submit(actor=users["poverty_office"], rows=ledger, replace=False)
    # Dynamic management: a re-verification of each side's benefit, one county-wide campaign.
    today = timezone.localdate()
    campaign = campaign_create(
        actor=users["bureau_reviewer"],
        name="专项清理",
        scope=CampaignScope.LIST,
        household_ids=[own["household"].pk, other["household"].pk],
        deployment_starts=today,
        implementation_starts=today,
        acceptance_starts=today + datetime.timedelta(days=60),
        ends_on=today + datetime.timedelta(days=90),
    )
    for side in (own, other):
        side.objects.update(
            review=review_open(actor=system("test:access"), benefit=side["benefit"], reason=ReviewReason.SCHEDULED)[0],
            campaign=campaign,
            village=side["household"].village,
        )
    for side in (own, other):
        side.objects.update(
            township=side.township,
            finding=Finding.objects.filter(township=side.township).order_by("pk").first(),
            integrity_finding=IntegrityFinding.objects.filter(township=side.township).order_by("pk").first(),
            ledger_job=ledger_job,
        )
    tokens = {name: AuthToken.objects.create(user)[1] for name, user in users.items()}
    payment_job, _existing = payments.payment_batch_prepare_start(
        actor=users["bureau_reviewer"], programme="tekun", month=month
    )
    department_job = department_import_submit(
        actor=users["bureau_reviewer"],
        source=next(iter(DEPARTMENT_FORMATS)),
        data_date=timezone.localdate(),
        file=io.BytesIO(b"PK not parsed here"),
        filename="data.xlsx",
    )
    county = {
        "batch": batch,
        "payment_job": payment_job,
        "department_job": department_job,
        "standard": Standard.objects.filter(programme="tekun").order_by("-year").first(),
    }
    return World(own=own, other=other, users=users, county=county, tokens=tokens)


def grow_other(world: World) -> None:
    """More of the other township's work (a request, a complaint, a temporary case, a household
    with a draft case, a medical claim): a township user's pages must not change with it."""
    grow(world, "other")


def grow(world: World, side: str, *, approved: bool = False, names: tuple[str, str] = ("吴新户", "吴新子")) -> None:
    """More of one township's work (as `grow_other`); `approved`: and one more case approved (a
    benefit, its decision and notice), for the lists of running benefits."""
    other = world.side(side)
    cw = other.caseworker
    intake_register(
        actor=cw,
        data=IntakeData(
            channel="phone", kind="dibao", requester_name=names[0], request="申请低保", person_name=names[0]
        ),
    )
    complaint_record(
        actor=cw,
        data=ComplaintData(
            channel="phone",
            received_on=timezone.localdate(),
            content="反映情况",
            anonymous=True,
            reporter_name="",
            reporter_contact="",
            household=other["household"],
            application=None,
        ),
    )
    temporary_case_create(
        actor=cw,
        data=TemporaryData(
            kind="emergency",
            cause="illness",
            circumstances="突发重病",
            amount=Decimal("500"),
            member=other["head"],
        ),
    )
    household = _household(cw, head=names[0], son=names[1])
    cases = CaseBuilder(
        caseworker=cw,
        caseworker2=other.caseworker2,
        reviewer=other.reviewer,
        bureau=world.users["bureau_reviewer"],
        make_household=None,
    )
    cases.to(ApplicationStatus.INVESTIGATING, cases.draft(household=household))
    if approved:
        approved_household = _household(cw, head=names[0] + "甲", son=names[1] + "甲")
        cases.to(ApplicationStatus.APPROVED, cases.draft(household=approved_household))
    medical_claim_record(
        actor=cw,
        member=other["supported"],
        data=claim(self_pay="300", treated_on=datetime.date(timezone.localdate().year, 4, 6)),
    )
