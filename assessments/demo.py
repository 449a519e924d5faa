"""Demo data of the economic-status check, written through the services (called by seed_demo)."""

import datetime
import io
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from households.models import Household, Relationship
from households.services import household_classify
from sunwu_relief import clock
from sunwu_relief.authz import system
from sunwu_relief.roles import Role
from sunwu_relief.services import staff_create_or_update

from . import services
from .models import Assessment, Source
from .services import FORMATS, department_import

SCAN = b"%PDF-1.4\n% demo scan of a signed paper form\n%%EOF\n"
FIXED_TIME = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)


def _scan(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, SCAN, content_type="application/pdf")


def _xlsx(source: str, rows: list[list]) -> bytes:
    workbook = Workbook()
    # Fixed document times: the same demo gives the same bytes, so a re-import is a no-op.
    workbook.properties.created = workbook.properties.modified = FIXED_TIME.replace(tzinfo=None)
    sheet = workbook.active
    sheet.append([f"孙吴县{Source(source).label}数据（演示）"])
    sheet.append([column.header for column in FORMATS[source]])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _second_investigator(caseworker) -> AbstractBaseUser:
    """The township's second caseworker (`<caseworker>b`, which seed_demo creates): a visit needs
    two investigators, and the township reviewer, who reviews the case afterwards, must not be one."""
    username = f"{caseworker.get_username()}b"
    existing = get_user_model().objects.filter(username=username).first()
    if existing is not None:
        return existing
    user, _created = staff_create_or_update(
        actor=system("command:seed_demo"),
        username=username,
        role=Role.CASEWORKER,
        township=caseworker.staff_profile.township,
        password=None,
    )
    return user


def seed_assessments(
    *,
    rng: random.Random,
    households: list[Household],
    caseworkers: dict[int, AbstractBaseUser],
    reviewers: dict[int, AbstractBaseUser],
) -> None:
    """Declarations, departmental data with some discrepancies, visits, results and classifications.

    Does nothing when these households already have assessments (a second seed_demo run)."""
    if not households or Assessment.objects.filter(household__in=households).exists():
        return
    today = clock.today()
    second = {township_id: _second_investigator(user) for township_id, user in caseworkers.items()}
    rows: dict[str, list[list]] = {source: [] for source in Source.values}
    plans = []
    for household in households:
        actor = caseworkers[household.township_id]
        members = list(household.members.order_by("id"))
        assessment = services.assessment_start(actor=actor, household=household)
        head = members[0]
        services.income_add(
            actor=actor,
            assessment=assessment,
            member=head,
            kind="farming",
            monthly_amount=Decimal(rng.randrange(100, 900, 10)),
        )
        services.asset_add(
            actor=actor, assessment=assessment, member=head, kind="land", quantity=Decimal(rng.randint(3, 40))
        )
        area = Decimal(rng.randrange(35, 110))
        services.asset_add(
            actor=actor, assessment=assessment, member=head, kind="housing", quantity=Decimal(1), area=area
        )
        rows[Source.HOUSING].append(
            [
                head.id_number,
                head.name,
                f"黑(2018)孙吴县不动产权第{household.pk:07d}号",
                household.address,
                float(area),
                "住宅",
            ]
        )
        if rng.random() < 0.3:
            services.asset_add(
                actor=actor,
                assessment=assessment,
                member=head,
                kind="deposits",
                value=Decimal(rng.randrange(500, 30000, 500)),
            )
        for member in members:
            hukou = household.hukou_number
            if rng.random() < 0.03:
                hukou = f"{rng.randrange(10**8, 10**9)}"  # registered in another household
            rows[Source.HUKOU].append(
                [member.id_number, member.name, hukou, member.get_relationship_display(), "", "正常"]
            )
            if (
                member.relationship in (Relationship.SPOUSE, Relationship.SON, Relationship.DAUGHTER)
                and rng.random() < 0.25
            ):
                wage = Decimal(rng.randrange(800, 2500, 50))
                services.income_add(
                    actor=actor, assessment=assessment, member=member, kind="wages", monthly_amount=wage
                )
                if rng.random() < 0.3:  # the employer pays more than declared
                    rows[Source.EMPLOYMENT].append(
                        [
                            member.id_number,
                            member.name,
                            "孙吴县某建筑公司",
                            float(wage + rng.randrange(300, 1500, 50)),
                            "参保缴费",
                        ]
                    )
            if member.relationship in (Relationship.FATHER, Relationship.MOTHER) and rng.random() < 0.5:
                services.income_add(
                    actor=actor,
                    assessment=assessment,
                    member=member,
                    kind="pension_base",
                    monthly_amount=Decimal("123"),
                )
        if rng.random() < 0.06:
            owner = rng.choice(members)
            rows[Source.VEHICLE].append(
                [
                    owner.id_number,
                    owner.name,
                    f"黑N{household.pk:05d}",
                    rng.choice(["小型轿车", "小型普通客车"]),
                    "2021-06-01",
                    "正常",
                ]
            )
        if rng.random() < 0.08:
            rows[Source.MACHINERY].append(
                [
                    head.id_number,
                    head.name,
                    "拖拉机",
                    f"黑27-{household.pk:05d}",
                    float(rng.randrange(8000, 60000, 1000)),
                ]
            )
        if rng.random() < 0.03:
            rows[Source.BUSINESS].append(
                [
                    head.id_number,
                    head.name,
                    f"孙吴县{head.name}小卖部",
                    f"92231124MA{household.pk:07d}X",
                    "存续",
                    "日用百货零售",
                ]
            )
        plans.append((assessment, actor, second[household.township_id], members))

    for source, source_rows in rows.items():
        if source_rows:
            department_import(
                actor=system("command:seed_demo"),
                source=source,
                data_date=today - datetime.timedelta(days=30),
                file=_xlsx(source, source_rows),
                filename=f"demo-{source}.xlsx",
            )

    for assessment, actor, other, members in plans:
        services.cross_check(actor=actor, assessment=assessment)
        roll = rng.random()
        if roll < 0.15:
            continue  # declarations only: the investigation has just begun
        services.authorisation_record(
            actor=actor,
            assessment=assessment,
            signed_on=today - datetime.timedelta(days=rng.randint(20, 40)),
            signatory=members[0].name,
            scan=_scan("authorisation.pdf"),
        )
        visit = services.visit_create(
            actor=actor,
            assessment=assessment,
            data=services.VisitData(
                visit_date=today - datetime.timedelta(days=rng.randint(3, 19)),
                housing=rng.choice(["砖瓦房两间，屋顶有漏雨", "土坯房三间，墙体开裂", "砖房两间，基本完好"]),
                living_conditions=rng.choice(["家具简陋，取暖靠火炕", "生活用品齐全，较为整洁", "冬季取暖困难"]),
                livestock=rng.choice(["无", "鸡十余只", "猪两头", "牛一头"]),
                equipment=rng.choice(["旧电视一台", "电视、冰箱各一台", "小型农具若干"]),
                household_confirmed=roll >= 0.3,
                household_signatory=members[0].name if roll >= 0.3 else "",
            ),
            investigators=[actor, other],
        )
        if roll < 0.3:
            continue  # visited, not yet signed
        services.visit_sign(actor=actor, visit=visit)
        services.visit_sign(actor=other, visit=visit)  # each investigator confirms under their own log-in
        if roll < 0.45:
            continue  # signed, the result not yet computed
        services.assessment_finish(actor=actor, assessment=assessment)

    for assessment, actor, _other, members in plans:
        for member in members:
            if rng.random() < 0.1:
                services.labour_assessment_record(
                    actor=actor,
                    member=member,
                    result=member.labour_capacity or "normal",
                    assessed_on=today - datetime.timedelta(days=rng.randint(30, 300)),
                )
        household_classify(actor=actor, household=assessment.household, today=today)
