"""The demo county's integrity work (seed_demo): a filled close-relatives register, a few
complaints in every state, and one example of each integrity finding but the one that must stay
at zero (a benefit without a signed visit or a full notice). Deterministic; run once, after the
cases, the benefits and the ledger."""

import datetime

from django.utils import timezone

from benefits.demo.cases import _clock as demo_clock
from benefits.models import COVERED_STATUSES, IN_PROCEDURE, Application, ApplicationStatus, Benefit
from households import services as household_services
from households.ids import check_code
from households.models import Household, Member, Relationship
from sunwu_relief import clock
from sunwu_relief.authz import system

from ..complaints import services as complaint_services
from .models import PersonKind, RegisteredPerson, RelationKind
from .selectors import integrity_settings
from .services import findings, register

COVERED = tuple(COVERED_STATUSES)


def _other_id(number: str, used: set[str]) -> str:
    """Another valid ID number, same birth date and sex (a different sequence number)."""
    for seq in range(2, 999, 2):
        candidate17 = f"{number[:14]}{(int(number[14:17]) + seq) % 1000:03d}"
        candidate = candidate17 + check_code(candidate17)
        if candidate not in used and not Member.all_objects.filter(id_number=candidate).exists():
            used.add(candidate)
            return candidate
    raise RuntimeError("no free ID number")


def _cadre_id(used: set[str], n: int) -> str:
    first17 = f"23112419700{n % 10}01{600 + 2 * n:03d}"
    number = first17 + check_code(first17)
    used.add(number)
    return number


def seed_integrity(*, townships, caseworkers: dict, reviewers: dict, bureau, auditor) -> None:
    if RegisteredPerson.objects.exists():
        return
    used: set[str] = set()
    relation = {kind.code: kind for kind in RelationKind.objects.all()}
    first = townships[0]
    worker = caseworkers[first.pk]
    # A caseworker who worked a relative's case (registered after it): a finding, and the case,
    # if still under way, is filed and that caseworker is refused on it from now on.
    worked = Application.objects.filter(township_id=first.pk, transitions__actor=worker).order_by("pk").first()
    person = register.person_save(
        actor=bureau,
        person=RegisteredPerson(
            kind=PersonKind.CIVIL_AFFAIRS,
            name=worker.get_full_name() or worker.username,
            id_number=_cadre_id(used, 1),
            post="乡镇民政助理",
            township=first,
            user=worker,
        ),
    )
    if worked is not None:
        member = worked.household.members.order_by("-id").first()
        register.relative_register(
            actor=bureau, person=person, name=member.name, id_number=member.id_number, relation=relation["sibling"]
        )
    # Village cadres of the first townships, each with a relative in a household whose case is
    # under way where there is one (the case is filed at once).
    for index, township in enumerate(townships[:4], start=2):
        under_way = Application.objects.filter(township_id=township.pk, status__in=IN_PROCEDURE).order_by("pk")
        household = next(
            (a.household for a in under_way if a.household_id != getattr(worked, "household_id", None)), None
        )
        household = household or Household.objects.filter(township=township).order_by("pk").first()
        relative = household.members.order_by("-id").first() if household is not None else None
        if relative is None:
            continue
        cadre = register.person_save(
            actor=bureau,
            person=RegisteredPerson(
                kind=PersonKind.VILLAGE_CADRE,
                name=f"{household.village.name}村主任",
                id_number=_cadre_id(used, index),
                post="村委会主任",
                township=township,
                village=household.village,
            ),
        )
        register.relative_register(
            actor=bureau, person=cadre, name=relative.name, id_number=relative.id_number, relation=relation["child"]
        )
    _split_and_merged(townships, caseworkers, used)
    _moved_before(townships, caseworkers)
    _complaints(townships, caseworkers, reviewers, bureau, auditor)
    row = integrity_settings()
    row.coverage_min_members = 5  # the demo's villages are small
    register.integrity_settings_save(actor=bureau, row=row)
    findings.integrity_checks_run(actor=system("command:seed_demo"))


def _split_and_merged(townships, caseworkers: dict, used: set[str]) -> None:
    covered = list(
        Household.objects.filter(benefits__status__in=COVERED).distinct().order_by("pk").select_related("village")
    )
    others = list(Household.objects.exclude(benefits__status__in=COVERED).order_by("pk"))
    if len(covered) < 2 or len(others) < 3:
        return
    # The same person in two households: a second registration with another ID number.
    source = (
        covered[0].members.exclude(relationship=Relationship.HEAD).order_by("id").first() or covered[0].members.first()
    )
    target = next((h for h in others if h.township_id == source.household.township_id), None)
    if target is not None:
        household_services.member_add(
            actor=caseworkers[target.township_id],
            household=target,
            data=household_services.MemberData(
                name=source.name, id_number=_other_id(source.id_number, used), relationship=Relationship.OTHER
            ),
        )
    # The same 户籍 number, and the same address, as a covered household (split off 拆户).
    for covered_household, field in ((covered[0], "hukou"), (covered[1], "address")):
        split = next((h for h in others if h.village_id == covered_household.village_id and h != target), None)
        split = split or next(
            (h for h in others if h.township_id == covered_household.township_id and h != target), None
        )
        if split is None:
            continue
        village = covered_household.village if field == "address" else split.village
        household_services.household_update(
            actor=caseworkers[split.township_id],
            household=split,
            village=village,
            address=covered_household.address if field == "address" else split.address,
            hukou_number=covered_household.hukou_number if field == "hukou" else f"{split.hukou_number}0",
        )
        others.remove(split)


def _moved_before(townships, caseworkers: dict) -> None:
    """A member moved into a household three weeks before its application was accepted."""
    application = (
        Application.objects.filter(accepted_at__isnull=False, status__in=[*IN_PROCEDURE, ApplicationStatus.APPROVED])
        .order_by("pk")
        .first()
    )
    if application is None:
        return
    donor = (
        Household.objects.filter(township_id=application.township_id)
        .exclude(pk=application.household_id)
        .exclude(benefits__status__in=COVERED)
        .order_by("pk")
        .first()
    )
    member = donor and donor.members.exclude(relationship=Relationship.HEAD).order_by("id").first()
    if member is None:
        return
    day = timezone.localdate(application.accepted_at) - datetime.timedelta(days=21)
    with demo_clock(day):
        household_services.member_move(
            actor=caseworkers[application.township_id],
            member=member,
            to_household=application.household,
            relationship=Relationship.OTHER,
            reason="投靠亲属",
        )


def _complaints(townships, caseworkers: dict, reviewers: dict, bureau, auditor) -> None:
    today = clock.today()
    first = townships[0]
    in_review = Application.objects.filter(status=ApplicationStatus.COUNTY_REVIEW).order_by("pk").first()
    covered = Benefit.objects.filter(status__in=COVERED).select_related("household").order_by("pk")
    data = complaint_services.ComplaintData
    # An anonymous telephone report on a case before the county: drawn, and a visit before the decision.
    if in_review is not None:
        complaint_services.complaint_record(
            actor=caseworkers[in_review.township_id],
            data=data(
                channel="phone",
                received_on=today,
                content="反映该户家中有小轿车，儿子在外务工收入较高。",
                anonymous=True,
                application=in_review,
            ),
        )
    # A named letter to the county, upheld and closed: the household's assistance must be reviewed.
    upheld = covered.first()
    if upheld is not None:
        complaint = complaint_services.complaint_record(
            actor=bureau,
            data=data(
                channel="letter",
                received_on=today - datetime.timedelta(days=20),
                content="反映该户已在县城购房，仍享受低保。",
                reporter_name="张某",
                reporter_contact="0456-0000000（示例）",
                household=upheld.household,
            ),
        )
        reviewer = reviewers[upheld.household.township_id]
        complaint_services.complaint_assign(actor=auditor, complaint=complaint, assignee=reviewer)
        complaint_services.complaint_findings_record(
            actor=reviewer, complaint=complaint, findings="经入户核实，该户确于2025年购房一套。", outcome="upheld"
        )
        complaint_services.complaint_answer(
            actor=reviewer,
            complaint=complaint,
            answered_on=today - datetime.timedelta(days=2),
            method="phone",
            answer="反映属实，已启动复核程序。",
        )
        complaint_services.complaint_close(actor=auditor, complaint=complaint, note="属实，转入复核。")
    # A visit to the service centre, assigned and under investigation, past its answer deadline.
    late = covered[1:2].first() if covered.count() > 1 else None
    if late is not None:
        complaint = complaint_services.complaint_record(
            actor=caseworkers[first.pk] if late.household.township_id == first.pk else bureau,
            data=data(
                channel="visit",
                received_on=today - datetime.timedelta(days=45),
                content="反映村干部优亲厚友，把自家亲戚评为低保户。",
                reporter_name="李某",
                household=late.household,
            ),
        )
        complaint_services.complaint_assign(actor=bureau, complaint=complaint, assignee=auditor)
