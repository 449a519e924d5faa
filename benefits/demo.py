"""Demo cases for seed_demo: applications in every status, benefits in every status, notices
with objections, and a few migrated beneficiaries — all written through the services."""

import contextlib
import datetime
import io
import random
from collections.abc import Callable, Iterator
from decimal import Decimal

from django.utils import timezone
from openpyxl import Workbook

from assessments.models import Assessment
from households.models import Household, Relationship

from . import services
from .migration import roll_import
from .models import Application, BenefitChange
from .roll import HEADERS

# The status each demo case is walked to, in turn.
PLAN = [
    "approved",
    "approved",
    "approved",
    "approved",
    "county_review",
    "public_notice",
    "objection_open",
    "objection_dismissed",
    "objection_upheld",
    "township_review",
    "evaluating",
    "rejected",
    "returned",
    "withdrawn",
    "accepted",
    "approved",
    "approved",
    "county_review",
]
BENEFIT_CHANGES = ["lower", "suspend", "phase_out", "stop", None, None]


@contextlib.contextmanager
def _clock(day: datetime.date) -> Iterator[None]:
    """Run the services as if on `day`, so approved demo cases have a notice period in the past."""
    original = services.today
    services.today = lambda: day
    try:
        yield
    finally:
        services.today = original


def _walk(
    application: Application, target: str, *, caseworker, reviewer, bureau, rng: random.Random, to_approve: list
) -> None:
    today = timezone.localdate()
    past = today - datetime.timedelta(days=rng.randint(20, 40))
    if target == "withdrawn":
        services.application_submit(actor=caseworker, application=application)
        services.application_withdraw(actor=caseworker, application=application, comment="申请人外出务工，自愿撤回申请")
        return
    services.application_submit(actor=caseworker, application=application)
    if target == "accepted":
        return
    services.application_start_investigation(actor=caseworker, application=application)
    services.application_finish_investigation(actor=caseworker, application=application)
    if target == "evaluating":
        return
    with _clock(past):
        services.evaluation_record(
            actor=caseworker,
            application=application,
            held_on=past,
            place="村委会会议室",
            participants="村党支部书记、村委会主任、村民代表",
            participant_count=11,
            votes_for=10,
            votes_against=1,
            outcome="agreed",
        )
        services.application_finish_evaluation(actor=caseworker, application=application)
        if target == "township_review":
            return
        if target == "returned":
            services.application_township_return(
                actor=reviewer,
                application=application,
                reason_code="documents_missing",
                comment="缺少残疾证复印件，请补充",
            )
            return
        fresh = target in ("public_notice", "objection_open", "objection_dismissed", "objection_upheld")
    with _clock(today - datetime.timedelta(days=2) if fresh else past):
        services.application_township_approve(
            actor=reviewer, application=application, opinion="经调查评议，情况属实，同意纳入"
        )
    if target.startswith("objection"):
        notice = application.notices.get(superseded=False)
        objection = services.objection_record(
            actor=caseworker,
            notice=notice,
            raised_by="本村村民",
            content="反映该户子女在外务工收入较高",
            raised_on=today,
        )
        if target == "objection_dismissed":
            services.objection_resolve(
                actor=reviewer, objection=objection, upheld=False, resolution="经核实，子女已分户另过，异议不成立"
            )
        elif target == "objection_upheld":
            services.objection_resolve(
                actor=reviewer, objection=objection, upheld=True, resolution="需重新核查子女收入"
            )
        return
    if target == "public_notice":
        return
    services.application_notice_complete(actor=None, application=application, on=today)
    if target == "county_review":
        return
    if target == "rejected":
        services.application_county_reject(
            actor=bureau,
            application=application,
            reason_code="income_above_standard",
            comment="经县级抽查，家庭实际收入高于保障标准",
        )
        return
    to_approve.append(application)


def seed_cases(
    *,
    rng: random.Random,
    households: list[Household],
    caseworkers: dict,
    reviewers: dict,
    bureau,
    draw_spot_checks: Callable[[], None],
) -> None:
    """Does nothing when applications exist already (a second seed_demo run). The cases to approve
    wait in county review for one spot-check draw (`draw_spot_checks`, from `audits`); the drawn
    ones get their county home visit before the decision."""
    if Application.objects.exists():
        return
    ready = list(
        Household.objects.filter(
            pk__in=[h.pk for h in households],
            assessments__status=Assessment.Status.FINISHED,
            assessments__assets_within_limits=True,
        )
        .distinct()
        .order_by("pk")
    )
    plan = iter(PLAN)
    to_approve: list[Application] = []
    for household in ready:
        assessment = household.assessments.order_by("-created").first()
        standard = services.standard_for("dibao", timezone.localdate().year)
        if assessment.per_capita_income is None or assessment.per_capita_income >= standard.monthly_standard:
            continue
        target = next(plan, "approved")  # after the plan, the rest are approved: a realistic roll
        caseworker, reviewer = caseworkers[household.township_id], reviewers[household.township_id]
        application = services.application_create(
            actor=caseworker, household=household, programme="dibao", reason="家庭收入低，生活困难"
        )
        _walk(
            application,
            target,
            caseworker=caseworker,
            reviewer=reviewer,
            bureau=bureau,
            rng=rng,
            to_approve=to_approve,
        )
    draw_spot_checks()
    today = timezone.localdate()
    for application in to_approve:
        application.refresh_from_db()
        if services.county_visit_required(application):
            services.county_visit_record(
                actor=bureau,
                application=application,
                visited_on=today,
                visitors=[bureau],
                result="confirmed",
                findings="入户抽查，情况与乡镇调查一致",
            )
        services.application_county_approve(actor=bureau, application=application)
    _changes(bureau=bureau)
    drafts = Household.objects.filter(pk__in=[h.pk for h in households], assessments__status=Assessment.Status.OPEN)
    for household in drafts.order_by("pk")[:3]:
        services.application_create(
            actor=caseworkers[household.township_id], household=household, programme="dibao", reason="申请低保"
        )


def _changes(*, bureau) -> None:
    month = timezone.localdate().replace(day=1)
    benefits = services.running_benefits().filter(migrated=False).order_by("pk")
    for benefit, kind in zip(list(benefits), BENEFIT_CHANGES, strict=False):
        if kind is None:
            continue
        services.benefit_change(
            actor=bureau,
            benefit=benefit,
            kind=kind,
            effective_month=month,
            reason_code="circumstances_changed",
            reason={
                "lower": "家庭成员务工收入增加",
                "suspend": "外出务工，暂停发放待核实",
                "phase_out": "收入超过保障标准，实行渐退",
                "stop": "家庭成员死亡，家庭人口减少后收入超标",
            }[kind],
            new_amount=(benefit.monthly_amount - Decimal("100")).max(Decimal("1"))
            if kind == BenefitChange.Kind.LOWER
            else None,
        )


def seed_migrated(*, households: list[Household], bureau, count: int = 3) -> None:
    """A few beneficiaries taken over from a legacy roll, due for re-verification at once."""
    free = [h for h in households if not h.applications.exists() and not h.benefits.exists()][-count:]
    if not free:
        return
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["孙吴县低保保障金发放台帐（系统上线前）"])
    sheet.append(HEADERS)
    for household in free:
        head = household.members.get(relationship=Relationship.HEAD)
        sheet.append(
            [
                household.township.name,
                household.village.name,
                head.name,
                head.id_number,
                household.members.count(),
                "一般",
                "300",
                "2024-01",
                "存量",
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    roll_import(actor=bureau, source=buffer.getvalue(), programme="dibao", source_name="legacy-dibao-roll-2024.xlsx")
