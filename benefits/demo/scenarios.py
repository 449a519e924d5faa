"""Demo households built ready for a case: income, authorisation, a signed visit, the result frozen."""

import datetime
import random
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from assessments import services as assessment_services
from assessments.demo import _second_investigator
from households import services as household_services
from households.models import Household, Member, Relationship
from sunwu_relief import clock

from .synthetic import GIVEN, SURNAMES, make_id_number


def _person_id(rng: random.Random, birth: datetime.date, *, male: bool, used: set[str]) -> str:
    while True:
        number = make_id_number(rng, birth, male=male)
        if number not in used and not Member.all_objects.filter(id_number=number).exists():
            used.add(number)
            return number


def _name(rng: random.Random, surname: str | None = None) -> str:
    return (surname or rng.choice(SURNAMES)) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def seed_scenarios(
    *, rng: random.Random, townships: list, caseworkers: dict, count: int, tekun_count: int
) -> tuple[list[Household], list[Household]]:
    """Households built ready for a case (a low income, the authorisation, a visit confirmed by
    both investigators, the result frozen), so that the demo has a case in every status at any
    size: `count` 低保 families and `tekun_count` elderly people living alone (特困)."""
    today = clock.today()
    used: set[str] = set()
    families: list[Household] = []
    alone: list[Household] = []
    for index in range(count + tekun_count):
        township = townships[index % len(townships)]
        village = township.villages.order_by("id")[index % max(township.villages.count(), 1)]
        actor = caseworkers[township.pk]
        tekun = index >= count
        surname = rng.choice("王李张刘陈杨赵黄周吴")
        age = rng.randint(72, 86) if tekun else rng.randint(45, 58)
        birth = datetime.date(today.year - age, rng.randint(1, 12), rng.randint(1, 28))
        male = rng.random() < 0.6
        household = household_services.household_create(
            actor=actor,
            village=village,
            address=f"{village.name}{rng.randint(1, 12)}组{rng.randint(1, 80)}号",
            hukou_number=f"{rng.randrange(10**8, 10**9)}",
            head=household_services.MemberData(
                name=_name(rng, surname),
                id_number=_person_id(rng, birth, male=male, used=used),
                relationship=Relationship.HEAD,
                labour_capacity="lost" if tekun else "weak",
            ),
        )
        if not tekun:
            spouse_birth = datetime.date(birth.year + rng.randint(-3, 3), rng.randint(1, 12), rng.randint(1, 28))
            household_services.member_add(
                actor=actor,
                household=household,
                data=household_services.MemberData(
                    name=_name(rng),
                    id_number=_person_id(rng, spouse_birth, male=not male, used=used),
                    relationship=Relationship.SPOUSE,
                    labour_capacity="weak",
                    serious_illness=rng.random() < 0.5,
                ),
            )
        head = household.members.get(relationship=Relationship.HEAD)
        assessment = assessment_services.assessment_start(actor=actor, household=household)
        if not tekun:
            assessment_services.income_add(
                actor=actor,
                assessment=assessment,
                member=head,
                kind="farming",
                monthly_amount=Decimal(rng.randrange(150, 400, 10)),
            )
        assessment_services.asset_add(
            actor=actor,
            assessment=assessment,
            member=head,
            kind="housing",
            quantity=Decimal(1),
            area=Decimal(rng.randrange(24, 38) if tekun else rng.randrange(40, 75)),
        )
        assessment_services.authorisation_record(
            actor=actor,
            assessment=assessment,
            signed_on=today - datetime.timedelta(days=rng.randint(25, 40)),
            signatory=head.name,
            scan=_scan_file(),
        )
        colleague = _second_investigator(actor)
        visit = assessment_services.visit_create(
            actor=actor,
            assessment=assessment,
            data=assessment_services.VisitData(
                visit_date=today - datetime.timedelta(days=rng.randint(22, 30)),
                housing=rng.choice(["土坯房两间，墙体开裂", "砖瓦房两间，屋顶漏雨"]),
                living_conditions="家具简陋，冬季取暖靠火炕",
                livestock="无",
                equipment="旧电视一台",
                household_confirmed=True,
                household_signatory=head.name,
            ),
            investigators=[actor, colleague],
        )
        assessment_services.visit_sign(actor=actor, visit=visit)
        assessment_services.visit_sign(actor=colleague, visit=visit)
        assessment_services.assessment_finish(actor=actor, assessment=assessment)
        (alone if tekun else families).append(household)
    return families, alone


def _scan_file():
    return SimpleUploadedFile("authorisation.pdf", b"%PDF-1.4 demo scan", content_type="application/pdf")
