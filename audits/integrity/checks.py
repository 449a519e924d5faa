"""The integrity checks (docs/integrity.md): each reads the registry and returns what it finds,
by a stable key that names the records involved. Read only; `findings.integrity_checks_run`
records the result as a work list.

- same person in two households: the same name (as people write it), birth date and sex, with
  different ID numbers, among current members of two households;
- the same 户籍 number, or the same address in a village, across two or more households of which
  at least one receives 低保/特困 (a household split or merged to get more 拆户/并户保);
- a member moved into or out of the household within the window (data) before its application;
- a running benefit granted on a case without a signed household visit or a full public notice
  (the workflow makes this impossible: the check proves it stays at zero);
- a member of staff who worked a case of their registered close relative (or their own);
- a village whose coverage rate is far above the county's (factor and minimum size are data).
"""

import datetime
import hashlib
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count

from assessments.models import HouseholdVisit
from benefits.models import IN_PROCEDURE, Application, ApplicationStatus, Benefit, Programme, Transition
from households.ids import mask_id_number
from households.models import Household, Member, MemberMove, Village

from .finding_models import IntegrityKind
from .matching import active_persons
from .models import RegisteredRelative
from .selectors import integrity_settings

COVERING_PROGRAMMES = (Programme.DIBAO, Programme.TEKUN)
COVERING_STATUSES = ("active", "phasing_out")
_DOTS = str.maketrans({"•": "·", "・": "·", "．": "·", ".": "·", "‧": "·"})


@dataclass
class Found:
    kind: str
    summary: str
    township_id: int | None = None
    village_id: int | None = None
    household_id: int | None = None
    application_id: int | None = None
    detail: dict[str, Any] = field(default_factory=dict)


def normal_text(value: str) -> str:
    """As people write it: width, spaces and the kind of middle dot do not count."""
    return "".join(unicodedata.normalize("NFKC", value or "").translate(_DOTS).split())


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def _covered_households() -> set[int]:
    return set(
        Benefit.objects.filter(programme__in=COVERING_PROGRAMMES, status__in=COVERING_STATUSES).values_list(
            "household_id", flat=True
        )
    )


def same_person() -> dict[str, Found]:
    groups: dict[tuple, list[tuple]] = defaultdict(list)
    for pk, name, birth, sex, household_id, number, township_id in Member.objects.values_list(
        "pk", "name", "birth_date", "sex", "household_id", "id_number", "household__township_id"
    ).iterator(chunk_size=5000):
        groups[(normal_text(name), birth, sex)].append((pk, name, household_id, number, township_id))
    found = {}
    for (_name, birth, _sex), rows in groups.items():
        if len({row[2] for row in rows}) < 2:
            continue
        rows.sort()
        key = f"{IntegrityKind.SAME_PERSON}:{_digest(','.join(str(r[0]) for r in rows))}"
        found[key] = Found(
            IntegrityKind.SAME_PERSON,
            f"{rows[0][1]} {birth:%Y-%m-%d}",
            township_id=rows[0][4],
            household_id=rows[0][2],
            detail={
                "persons": [
                    {"member": pk, "name": name, "household": hh, "id_number": mask_id_number(number)}
                    for pk, name, hh, number, _t in rows
                ]
            },
        )
    return found


def _shared(kind: str, label: str, key_of) -> dict[str, Found]:
    covered = _covered_households()
    groups: dict[str, list[tuple]] = defaultdict(list)
    for pk, number, address, village_id, township_id, hukou in Household.objects.values_list(
        "pk", "number", "address", "village_id", "township_id", "hukou_number"
    ).iterator(chunk_size=5000):
        group = key_of(hukou=hukou, address=address, village_id=village_id)
        if group:
            groups[group].append((pk, number, township_id, village_id))
    found = {}
    for group, rows in groups.items():
        if len(rows) < 2 or not any(row[0] in covered for row in rows):
            continue
        rows.sort()
        found[f"{kind}:{_digest(group)}"] = Found(
            kind,
            label.format(value=group.split("|", 1)[-1], count=len(rows)),
            township_id=rows[0][2],
            village_id=rows[0][3] if kind == IntegrityKind.SHARED_ADDRESS else None,
            household_id=rows[0][0],
            detail={
                "value": group.split("|", 1)[-1],
                "households": [{"id": pk, "number": n, "covered": pk in covered} for pk, n, _t, _v in rows],
            },
        )
    return found


def shared_hukou() -> dict[str, Found]:
    return _shared(
        IntegrityKind.SHARED_HUKOU,
        "户号 {value}：{count} 户",
        lambda *, hukou, address, village_id: normal_text(hukou),
    )


def shared_address() -> dict[str, Found]:
    return _shared(
        IntegrityKind.SHARED_ADDRESS,
        "{value}：{count} 户",
        lambda *, hukou, address, village_id: f"{village_id}|{normal_text(address)}" if normal_text(address) else "",
    )


def _checked_applications():
    return Application.objects.filter(
        programme__in=COVERING_PROGRAMMES,
        accepted_at__isnull=False,
        status__in=[*IN_PROCEDURE, ApplicationStatus.APPROVED],
    )


def moved_before_applying() -> dict[str, Found]:
    window = datetime.timedelta(days=integrity_settings().move_window_days)
    applications = {
        a.pk: a
        for a in _checked_applications().only("pk", "household_id", "township_id", "accepted_at", "applicant_name")
    }
    by_household: dict[int, list[Application]] = defaultdict(list)
    for application in applications.values():
        by_household[application.household_id].append(application)
    found = {}
    moves = MemberMove.objects.filter(to_household_id__in=list(by_household)) | MemberMove.objects.filter(
        from_household_id__in=list(by_household)
    )
    for move in moves.select_related("member").order_by("pk"):
        for household_id in (move.to_household_id, move.from_household_id):
            for application in by_household.get(household_id, []):
                if not application.accepted_at - window <= move.created <= application.accepted_at:
                    continue
                days = (application.accepted_at - move.created).days
                found[f"{IntegrityKind.MOVED_BEFORE_APPLYING}:{application.pk}:{move.pk}"] = Found(
                    IntegrityKind.MOVED_BEFORE_APPLYING,
                    f"{move.member.name}：申请前 {days} 天迁{'入' if household_id == move.to_household_id else '出'}",
                    township_id=application.township_id,
                    household_id=household_id,
                    application_id=application.pk,
                    detail={
                        "member": move.member.name,
                        "direction": "in" if household_id == move.to_household_id else "out",
                        "from_household": move.from_household_id,
                        "to_household": move.to_household_id,
                        "moved": f"{move.created:%Y-%m-%d}",
                        "days_before": days,
                        "reason": move.reason,
                    },
                )
    return found


def unverified_benefits() -> dict[str, Found]:
    benefits = (
        Benefit.objects.filter(
            programme__in=COVERING_PROGRAMMES, status__in=COVERING_STATUSES, application__isnull=False, migrated=False
        )
        .select_related("application")
        .prefetch_related("application__notices")
    )
    signed = set(
        HouseholdVisit.objects.filter(signed_at__isnull=False).values_list("assessment_id", flat=True).distinct()
    )
    found = {}
    for benefit in benefits.iterator(chunk_size=1000):
        application = benefit.application
        missing = []
        if application.assessment_id is None or application.assessment_id not in signed:
            missing.append("signed_visit")
        notices = [n for n in application.notices.all() if not n.superseded]
        days = int((application.standard_snapshot or {}).get("notice_days", 7))
        if not notices or (notices[0].ends_on - notices[0].starts_on).days < days:
            missing.append("full_notice")
        if missing:
            found[f"{IntegrityKind.UNVERIFIED_BENEFIT}:{benefit.pk}"] = Found(
                IntegrityKind.UNVERIFIED_BENEFIT,
                f"{application.applicant_name} #{application.pk}",
                township_id=benefit.township_id,
                household_id=benefit.household_id,
                application_id=application.pk,
                detail={"benefit": benefit.pk, "missing": missing, "notice_days": days},
            )
    return found


def relative_worked_case() -> dict[str, Found]:
    persons = {p.user_id: p for p in active_persons().filter(user__isnull=False)}
    if not persons:
        return {}
    numbers: dict[int, set[str]] = {user_id: {p.id_number} for user_id, p in persons.items()}
    for user_id, number in RegisteredRelative.objects.filter(
        removed_at__isnull=True, person__user_id__in=list(persons)
    ).values_list("person__user_id", "id_number"):
        numbers[user_id].add(number)
    worked: set[tuple[int, int]] = set(
        Transition.objects.filter(actor_id__in=list(persons)).values_list("application_id", "actor_id").distinct()
    )
    visits = HouseholdVisit.investigators.through.objects.filter(user_id__in=list(persons))
    for user_id, assessment_id in visits.values_list("user_id", "householdvisit__assessment_id"):
        for application_id in Application.objects.filter(assessment_id=assessment_id).values_list("pk", flat=True):
            worked.add((application_id, user_id))
    applications = Application.objects.in_bulk({a for a, _u in worked})
    members: dict[int, dict[str, str]] = defaultdict(dict)
    households = {a.household_id for a in applications.values()}
    for household_id, number, name in Member.all_objects.filter(household_id__in=households).values_list(
        "household_id", "id_number", "name"
    ):
        members[household_id][number] = name
    found = {}
    for application_id, user_id in sorted(worked):
        application = applications[application_id]
        related = sorted(set(members[application.household_id]) & numbers[user_id])
        if not related:
            continue
        person = persons[user_id]
        found[f"{IntegrityKind.RELATIVE_WORKED_CASE}:{application_id}:{user_id}"] = Found(
            IntegrityKind.RELATIVE_WORKED_CASE,
            f"{person.name}（{person.post}）· #{application_id}",
            township_id=application.township_id,
            household_id=application.household_id,
            application_id=application_id,
            detail={
                "person": person.pk,
                "person_name": person.name,
                "user": user_id,
                "members": [members[application.household_id][n] for n in related],
            },
        )
    return found


def village_coverage() -> dict[str, Found]:
    row = integrity_settings()
    members = dict(
        Member.objects.values("household__village_id").annotate(n=Count("id")).values_list("household__village_id", "n")
    )
    covered_rows = (
        Benefit.covered_members.through.objects.filter(
            benefit__programme__in=COVERING_PROGRAMMES,
            benefit__status__in=COVERING_STATUSES,
            member__removed_on__isnull=True,
        )
        .values("member__household__village_id")
        .annotate(n=Count("member_id", distinct=True))
        .values_list("member__household__village_id", "n")
    )
    covered = dict(covered_rows)
    total_members, total_covered = sum(members.values()), sum(covered.values())
    if not total_members or not total_covered:
        return {}
    county = Decimal(total_covered) / Decimal(total_members)
    villages = Village.objects.in_bulk(list(covered))
    found = {}
    for village_id, n in sorted(covered.items()):
        size = members.get(village_id, 0)
        if size < row.coverage_min_members:
            continue
        rate = Decimal(n) / Decimal(size)
        if rate < county * row.coverage_factor:
            continue
        village = villages[village_id]
        percent = (rate * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        county_percent = (county * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        found[f"{IntegrityKind.VILLAGE_COVERAGE}:{village_id}"] = Found(
            IntegrityKind.VILLAGE_COVERAGE,
            f"{village.name}：{percent}%（全县 {county_percent}%）",
            township_id=village.township_id,
            village_id=village_id,
            detail={
                "covered": n,
                "members": size,
                "rate_percent": str(percent),
                "county_rate_percent": str(county_percent),
                "factor": str(row.coverage_factor),
            },
        )
    return found


CHECKS = (
    same_person,
    shared_hukou,
    shared_address,
    moved_before_applying,
    unverified_benefits,
    relative_worked_case,
    village_coverage,
)


def find_integrity_issues() -> dict[str, Found]:
    found: dict[str, Found] = {}
    for check in CHECKS:
        found.update(check())
    return found
