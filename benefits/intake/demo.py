"""Demo requests at the one door (seed_demo): one of each outcome in the first township — an
application, a referral answered, one overdue, one awaiting its answer in time, one closed with
its reason, and one just registered."""

import datetime

from households.models import Relationship
from sunwu_relief import clock

from ..models import Programme
from ..selectors import working_day_deadline
from .models import Department, IntakeChannel, IntakeKind
from .services import (
    IntakeData,
    intake_close,
    intake_refer,
    intake_register,
    intake_to_application,
    referral_answer,
)


def _working_days_ago(days: int) -> datetime.date:
    """A day `days` working days before today (so that a deadline of that many days is past)."""
    day = clock.today()
    while working_day_deadline(day, days) > clock.today():
        day -= datetime.timedelta(days=1)
    return day - datetime.timedelta(days=1)


def seed_intake(*, households: list, caseworkers: dict, reviewers: dict) -> int:
    if not households:
        return 0
    township = households[0].township_id
    caseworker, reviewer = caseworkers[township], reviewers[township]
    local = [h for h in households if h.township_id == township]
    heads = [h.members.filter(relationship=Relationship.HEAD).first() for h in local[:3]]
    heads = [head for head in heads if head is not None]
    departments = {d.code: d for d in Department.objects.all()}
    made = 0

    def register(**values) -> object:
        nonlocal made
        made += 1
        return intake_register(actor=caseworker, data=IntakeData(**values))

    if heads:
        asked = register(
            channel=IntakeChannel.IN_PERSON,
            kind=IntakeKind.DIBAO,
            requester_name=heads[0].name,
            requester_relation="本人",
            member=heads[0],
            request="家中老人长期患病，收入不足以维持基本生活，申请低保",
        )
        intake_to_application(actor=caseworker, intake=asked, programme=Programme.DIBAO)
    # Answered: handed on to the education bureau a month ago, answered within its period.
    with clock.frozen_at(_working_days_ago(20)):
        school = register(
            channel=IntakeChannel.VILLAGE_CADRE,
            kind=IntakeKind.EDUCATION,
            requester_name="村支书刘长青",
            requester_relation="村干部",
            person_name="周小雨",
            person_address="一组",
            request="孩子考上县高中，学费和住宿费困难",
        )
        referral = intake_refer(
            actor=caseworker, intake=school, department=departments["education"], handed_over="户口本、录取通知书复印件"
        )
    with clock.frozen_at(working_day_deadline(referral.referred_on, 5)):
        referral_answer(actor=reviewer, referral=referral, outcome="handled", answer="已纳入普通高中国家助学金")
    # Overdue: handed on to medical insurance, no answer within its period.
    with clock.frozen_at(_working_days_ago(departments["medical_insurance"].answer_days + 3)):
        bills = register(
            channel=IntakeChannel.PHONE,
            kind=IntakeKind.MEDICAL,
            requester_name="吴桂芝",
            requester_relation="配偶",
            person_name="郑国强",
            request="住院费用大病保险尚未报销，请求协调",
        )
        intake_refer(
            actor=caseworker,
            intake=bills,
            department=departments["medical_insurance"],
            handed_over="住院发票、出院小结复印件",
        )
    # Awaiting the answer, in time.
    roof = register(
        channel=IntakeChannel.IN_PERSON,
        kind=IntakeKind.HOUSING,
        requester_name="冯德胜",
        requester_relation="本人",
        person_name="冯德胜",
        request="房屋墙体开裂漏雨，申请危房改造",
    )
    intake_refer(actor=caseworker, intake=roof, department=departments["housing"], handed_over="房屋照片、户口本复印件")
    desk = register(
        channel=IntakeChannel.PHONE,
        kind=IntakeKind.OTHER,
        requester_name="陈玉兰",
        person_name="陈玉兰",
        request="咨询城乡居民养老保险缴费档次",
    )
    intake_close(actor=reviewer, intake=desk, reason_code="answered_at_desk", note="已电话解答缴费政策")
    register(
        channel=IntakeChannel.VILLAGE_CADRE,
        kind=IntakeKind.TEKUN,
        requester_name="村主任王建国",
        requester_relation="村干部",
        person_name="褚老汉",
        person_address="三组",
        request="独居老人无子女，无生活来源，反映申请特困供养",
    )
    return made
