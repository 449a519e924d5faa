"""The county's spot-check draw over the cases the townships sent up (docs/rules.md).

At least the programme's ratio (低保: 50%, S §三(三)) per township, rounded up, by a seeded draw
that anyone can repeat with `audits.rules.draw_sample`; filed (备案) and complained-about cases,
and households the poverty office declared out of poverty, are always in the sample.
"""

import secrets
from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from benefits.models import Application, ApplicationStatus, Objection, Standard
from benefits.selectors import standard_for
from benefits.services import applications_mark_for_spot_check
from households.models import LedgerRecord, Member, PovertyStatus, Township
from sunwu_relief import clock
from sunwu_relief.audit import record_event
from sunwu_relief.authz import require, user_or_none
from sunwu_relief.locks import LockKey, advisory_lock
from sunwu_relief.roles import Role

from ..complaints.selectors import spot_check_reasons_for as complaint_reasons_for
from ..events import AuditsEvent
from ..models import SpotCheckBatch, SpotCheckItem
from ..rules import draw_sample, hash_programme

# The county's staff draw; the nightly task and the operator's command draw as the system.
DRAW_ROLES = (Role.BUREAU_REVIEWER, Role.AUDITOR)


def always_reasons(application: Application) -> list[str]:
    return always_reasons_for([(application.pk, application.household_id, application.filed)])[application.pk]


def always_reasons_for(candidates: list[tuple[int, int, bool]]) -> dict[int, list[str]]:
    """Why each application must be in the sample ((id, household id, filed) in; {id: reasons}),
    for all of them in a fixed number of queries: objections, the ledger, complaints."""
    ids = [pk for pk, _household, _filed in candidates]
    households = {household for _pk, household, _filed in candidates}
    objected = set(
        Objection.objects.filter(notice__application_id__in=ids).values_list("notice__application_id", flat=True)
    )
    out = LedgerRecord.objects.filter(removed=False, poverty_status=PovertyStatus.OUT).values("id_number")
    declared_out = set(
        Member.objects.filter(household_id__in=households, id_number__in=out).values_list("household_id", flat=True)
    )
    complaints = complaint_reasons_for([(pk, household) for pk, household, _filed in candidates])
    reasons = {}
    for pk, household, filed in candidates:
        why = []
        if filed:
            why.append(_("filed case (备案)"))
        if pk in objected:
            why.append(_("objection during the public notice"))
        if household in declared_out:
            why.append(_("declared out of poverty by the poverty office"))
        why.extend(complaints[pk])  # an open complaint 举报 (audits.complaints)
        reasons[pk] = why
    return reasons


@transaction.atomic
def spot_check_draw(*, actor, seed: int | None = None) -> SpotCheckBatch | None:
    """Draw over the applications waiting for county review that are in no batch yet; None when
    there are none (a second run with nothing new changes nothing).

    Set-based: one locking read of the candidates, their reasons in a fixed number of queries,
    the draw in memory, one insert of the items and the drawn marked in one go (their history
    and audit events included), however many applications wait."""
    advisory_lock(LockKey.SPOT_CHECK_DRAW)
    require(actor, roles=DRAW_ROLES, message=_("Only county staff draw the spot-check sample."))
    candidates = list(
        # Lock the applications only: the batch item is the nullable side of the join.
        Application.objects.select_for_update(of=("self",))
        .filter(status=ApplicationStatus.COUNTY_REVIEW, spot_check__isnull=True)
        .order_by("pk")
        .values_list("pk", "township_id", "programme", "household_id", "filed")
    )
    if not candidates:
        return None
    seed = seed if seed is not None else secrets.randbelow(2**31)
    batch = SpotCheckBatch.objects.create(created_by=user_or_none(actor), seed=seed)
    reasons = always_reasons_for([(pk, household, filed) for pk, _t, _p, household, filed in candidates])
    groups: dict[tuple[int, str], list[int]] = defaultdict(list)
    for pk, township_id, programme, _household, _filed in candidates:
        groups[(township_id, programme)].append(pk)
    year = clock.today().year
    names = dict(Township.objects.values_list("pk", "name"))
    ratios: dict[str, Decimal] = {}
    summary, items, drawn_ids = [], [], []
    for (township_id, programme), applications in sorted(groups.items()):
        if programme not in ratios:
            standard = standard_for(programme, year)
            # Without a standard for the year, the ratio is the standard's own default (one place).
            ratios[programme] = (
                standard.spot_check_ratio if standard else Standard._meta.get_field("spot_check_ratio").get_default()
            )
        ratio = ratios[programme]
        # One seed for the batch; each group's draw is repeatable from it and the group's keys.
        sample = set(
            draw_sample(
                [str(pk) for pk in applications],
                ratio=ratio,
                seed=seed ^ township_id ^ hash_programme(programme),
                always={str(pk) for pk in applications if reasons[pk]},
            )
        )
        for pk in applications:
            drawn = str(pk) in sample
            items.append(
                SpotCheckItem(
                    batch=batch, application_id=pk, township_id=township_id, drawn=drawn, always_reasons=reasons[pk]
                )
            )
            if drawn:
                drawn_ids.append(pk)
        summary.append(
            {
                "township": names.get(township_id, ""),
                "programme": programme,
                "drawn": len(sample),
                "total": len(applications),
                "ratio": str(ratio),
            }
        )
    SpotCheckItem.objects.bulk_create(items, batch_size=5000)
    # Until benefits stores only users as the history's author (user_or_none), the system's
    # draw reaches it as None; a person's draw as the person.
    applications_mark_for_spot_check(
        actor=actor if user_or_none(actor) is not None else None, application_ids=drawn_ids
    )
    batch.summary = summary
    batch.save(update_fields=["summary"])
    record_event(actor=actor, action=AuditsEvent.SPOT_CHECK_DRAW, obj=batch, seed=seed, summary=summary)
    return batch


def draw_pending(application: Application) -> list[str]:
    """Approval guard: the case must have been in a spot-check draw, drawn or not."""
    if SpotCheckItem.objects.filter(application=application).exists():
        return []
    return [_("The case has not yet been through the county's spot-check draw (nightly, or run draw_spot_checks now).")]
