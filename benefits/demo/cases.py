"""Demo cases for seed_demo: applications in every status, benefits in every status, notices
with objections — all written through the services, each on its own day."""

import contextlib
import datetime
import random
from collections.abc import Callable, Iterator
from decimal import Decimal

from django.apps import apps
from django.utils import timezone

from assessments.models import Assessment
from households.models import Household, Relationship
from sunwu_relief import clock
from sunwu_relief.authz import system

from .. import rules, services
from ..models import Application, BenefitChange, Programme

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
TEKUN_PLAN = ["approved", "approved", "county_review"]


@contextlib.contextmanager
def _clock(day: datetime.date) -> Iterator[None]:
    """Run the services as if on `day` (their `today()`, `timezone.now()` and the models' "now"
    defaults), so that demo cases decided months ago carry their own dates throughout: the
    timeline, the decision, the benefit's start month and its re-verification date. Time still
    runs forward from 10:00 that day, so the order of the steps is kept."""
    real_now = timezone.now
    started = real_now()
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))

    def fake_now() -> datetime.datetime:
        return moment + (real_now() - started)

    defaults = [
        field
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if getattr(field, "default", None) is real_now
    ]
    timezone.now = fake_now
    for field in defaults:
        field.default = fake_now
    try:
        with clock.frozen_at(day):
            yield
    finally:
        for field in defaults:
            field.default = real_now
        timezone.now = real_now


# When each kind of case started (days before today); an approved case is decided on its own
# day, spread over the past 18 months (see `_decision_day`).
_START_DAYS_AGO = {
    "withdrawn": 9,
    "accepted": 1,
    "evaluating": 6,
    "township_review": 9,
    "returned": 12,
    "public_notice": 12,
    "objection_open": 12,
    "objection_dismissed": 12,
    "objection_upheld": 12,
    "county_review": 20,
    "rejected": 40,
}


def _decision_day(index: int, today: datetime.date) -> datetime.date:
    """The n-th approved demo case is decided 1 to 18 months ago, spread over the months."""
    months_back = 1 + (index * 7) % 18
    return rules.add_months(today.replace(day=1), -months_back) + datetime.timedelta(days=(index * 5) % 25)


def _walk(
    application: Application,
    target: str,
    *,
    start: datetime.date,
    caseworker,
    reviewer,
    bureau,
    to_approve: list,
    decided_on: datetime.date | None = None,
) -> None:
    """Walk one case to `target` through the services, each step on its own day from `start`."""
    day = lambda offset: start + datetime.timedelta(days=offset)  # noqa: E731
    with _clock(day(0)):
        services.application_submit(actor=caseworker, application=application)
        if target == "withdrawn":
            services.application_withdraw(
                actor=caseworker, application=application, comment="申请人外出务工，自愿撤回申请"
            )
            return
    if target == "accepted":
        return
    with _clock(day(1)):
        services.application_start_investigation(actor=caseworker, application=application)
        services.application_finish_investigation(actor=caseworker, application=application)
    if target == "evaluating":
        return
    with _clock(day(6)):
        services.evaluation_record(
            actor=caseworker,
            application=application,
            held_on=day(6),
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
    with _clock(day(10)):
        if target == "returned":
            services.application_township_return(
                actor=reviewer,
                application=application,
                reason_code="documents_missing",
                comment="缺少残疾证复印件，请补充",
            )
            return
        services.application_township_approve(
            actor=reviewer, application=application, opinion="经调查评议，情况属实，同意纳入"
        )
    if target.startswith("objection"):
        with _clock(day(11)):
            notice = application.notices.get(superseded=False)
            objection = services.objection_record(
                actor=caseworker,
                notice=notice,
                raised_by="本村村民",
                content="反映该户子女在外务工收入较高",
                raised_on=day(11),
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
    notice = application.notices.get(superseded=False)
    closed = notice.ends_on + datetime.timedelta(days=1)
    with _clock(closed):
        services.application_notice_complete(actor=system("command:seed_demo"), application=application, on=closed)
    if target == "county_review":
        return
    if target == "rejected":
        with _clock(closed + datetime.timedelta(days=3)):
            services.application_county_reject(
                actor=bureau,
                application=application,
                reason_code="income_above_standard",
                comment="经县级抽查，家庭实际收入高于保障标准",
            )
        return
    to_approve.append((application, decided_on or closed + datetime.timedelta(days=2)))


def _start_for(target: str, index: int, today: datetime.date) -> tuple[datetime.date, datetime.date | None]:
    if target == "approved":
        decided = _decision_day(index, today)
        return decided - datetime.timedelta(days=21), decided
    return today - datetime.timedelta(days=_START_DAYS_AGO[target]), None


def seed_cases(
    *,
    rng: random.Random,
    households: list[Household],
    caseworkers: dict,
    reviewers: dict,
    bureau,
    draw_spot_checks: Callable[[], None],
    scenarios: list[Household] = (),
    tekun_scenarios: list[Household] = (),
) -> None:
    """Does nothing when applications exist already (a second seed_demo run). The cases to approve
    wait in county review for one spot-check draw (`draw_spot_checks`, from `audits`); the drawn
    ones get their county home visit before the decision, each on its own past day.

    `scenarios` (households built ready for a case) take the plan first, so every status is
    present whatever the number of households; `tekun_scenarios` get 特困 cases."""
    if Application.objects.exists():
        return
    today = clock.today()
    scenario_ids = {h.pk for h in scenarios} | {h.pk for h in tekun_scenarios}
    ready = list(scenarios) + list(
        Household.objects.filter(
            pk__in=[h.pk for h in households if h.pk not in scenario_ids],
            assessments__status=Assessment.Status.FINISHED,
            assessments__assets_within_limits=True,
        )
        .distinct()
        .order_by("pk")
    )
    plan = iter(PLAN)
    to_approve: list[tuple[Application, datetime.date]] = []
    approved_index = 0
    # Cases start up to 18 months back, under that year's standard: a household takes part only if
    # it is eligible under the lowest standard of the window (else its township approval fails).
    window = [services.standard_for(Programme.DIBAO, year) for year in (today.year - 2, today.year - 1, today.year)]
    lowest = min(standard.monthly_standard for standard in window if standard is not None)
    for household in ready:
        assessment = household.assessments.order_by("-created").first()
        if assessment.per_capita_income is None or assessment.per_capita_income >= lowest:
            continue
        target = next(plan, "approved")  # after the plan, the rest are approved: a realistic roll
        start, decided = _start_for(target, approved_index, today)
        approved_index += target == "approved"
        caseworker, reviewer = caseworkers[household.township_id], reviewers[household.township_id]
        with _clock(start):
            application = services.application_create(
                actor=caseworker, household=household, programme=Programme.DIBAO, reason="家庭收入低，生活困难"
            )
        _walk(
            application,
            target,
            start=start,
            caseworker=caseworker,
            reviewer=reviewer,
            bureau=bureau,
            to_approve=to_approve,
            decided_on=decided,
        )
    for index, (household, target) in enumerate(zip(tekun_scenarios, TEKUN_PLAN, strict=False)):
        start, decided = _start_for(target, approved_index + index, today)
        caseworker, reviewer = caseworkers[household.township_id], reviewers[household.township_id]
        with _clock(start):
            application = services.application_create(
                actor=caseworker,
                household=household,
                programme=Programme.TEKUN,
                single_member=household.members.get(relationship=Relationship.HEAD),
                reason="年老无劳动能力，无收入来源，无赡养人",
            )
        _walk(
            application,
            target,
            start=start,
            caseworker=caseworker,
            reviewer=reviewer,
            bureau=bureau,
            to_approve=to_approve,
            decided_on=decided,
        )
    draw_spot_checks()
    for application, decided in sorted(to_approve, key=lambda pair: pair[1]):
        application.refresh_from_db()
        with _clock(min(decided, today)):
            if services.county_visit_required(application):
                services.county_visit_record(
                    actor=bureau,
                    application=application,
                    visited_on=min(decided, today),
                    visitors=[bureau],
                    result="confirmed",
                    findings="入户抽查，情况与乡镇调查一致",
                )
            services.application_county_approve(actor=bureau, application=application)
    _changes(bureau=bureau)
    drafts = Household.objects.filter(pk__in=[h.pk for h in households], assessments__status=Assessment.Status.OPEN)
    for household in drafts.order_by("pk")[:3]:
        services.application_create(
            actor=caseworkers[household.township_id], household=household, programme=Programme.DIBAO, reason="申请低保"
        )


def _changes(*, bureau) -> None:
    month = clock.today().replace(day=1)
    benefits = services.running_benefits().filter(migrated=False).order_by("pk")
    for benefit, kind in zip(list(benefits), BENEFIT_CHANGES, strict=False):
        if kind is None:
            continue
        services.benefit_change(
            actor=bureau,
            benefit=benefit,
            kind=kind,
            effective_month=max(month, benefit.start_month),
            reason_code="circumstances_changed",
            reason={
                "lower": "家庭成员务工收入增加",
                "suspend": "外出务工，暂停发放待核实",
                "phase_out": "收入超过保障标准，实行渐退",
                "stop": "家庭成员死亡，家庭人口减少后收入超标",
            }[kind],
            # A manual lowering (the demo has no second assessment to rest a computed one on).
            manual_reason="other" if kind == BenefitChange.Kind.LOWER else "",
            new_amount=(benefit.monthly_amount - Decimal("100")).max(Decimal("1"))
            if kind == BenefitChange.Kind.LOWER
            else None,
        )
