"""The county's spot-check draw over the cases the townships sent up (docs/rules.md).

At least the programme's ratio (低保: 50%, S §三(三)) per township, rounded up, by a seeded draw
that anyone can repeat with `audits.rules.draw_sample`; filed (备案) and complained-about cases,
and households the poverty office declared out of poverty, are always in the sample.
"""

import secrets
from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.db.models import QuerySet
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
from sunwu_relief.rows import insert_rows, json_value

from ..complaints.selectors import spot_check_reasons_for as complaint_reasons_for
from ..events import AuditsEvent
from ..models import SpotCheckBatch, SpotCheckItem
from ..rules import draw_sample, hash_programme

# The county's staff draw; the nightly task and the operator's command draw as the system.
DRAW_ROLES = (Role.BUREAU_REVIEWER, Role.AUDITOR)
# An item's fields in the order of the rows the draw inserts.
ITEM_FIELDS = ("batch", "application", "township_id", "drawn", "always_reasons")


def always_reasons(application: Application) -> list[str]:
    return always_reasons_for([(application.pk, application.household_id, application.filed)])[application.pk]


def always_reasons_for(
    candidates: list[tuple[int, int, bool]], scope: QuerySet[Application] | None = None
) -> dict[int, list[str]]:
    """Why each application must be in the sample ((id, household id, filed) in; {id: reasons}),
    for all of them in a fixed number of queries: objections, the ledger, complaints. `scope`:
    a query of the same applications (the draw's candidates), read by the database instead of a
    list of their ids."""
    if scope is None:
        scope = Application.objects.filter(pk__in=[pk for pk, _household, _filed in candidates])
    objected = set(
        Objection.objects.filter(notice__application__in=scope.values("pk")).values_list(
            "notice__application_id", flat=True
        )
    )
    out = LedgerRecord.objects.filter(removed=False, poverty_status=PovertyStatus.OUT).values("id_number")
    declared_out = set(
        Member.objects.filter(household_id__in=scope.values("household_id"), id_number__in=out).values_list(
            "household_id", flat=True
        )
    )
    complaints = complaint_reasons_for([(pk, household) for pk, household, _filed in candidates], scope=scope)
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
    waiting = Application.objects.filter(status=ApplicationStatus.COUNTY_REVIEW, spot_check__isnull=True)
    candidates = list(
        # Lock the applications only: the batch item is the nullable side of the join.
        waiting.select_for_update(of=("self",))
        .order_by("pk")
        .values_list("pk", "township_id", "programme", "household_id", "filed")
    )
    if not candidates:
        return None
    seed = seed if seed is not None else secrets.randbelow(2**31)
    batch = SpotCheckBatch.objects.create(created_by=user_or_none(actor), seed=seed)
    # The candidates are locked: the same rows for the queries of their reasons.
    reasons = always_reasons_for([(pk, household, filed) for pk, _t, _p, household, filed in candidates], waiting)
    groups: dict[tuple[int, str], list[int]] = defaultdict(list)
    for pk, township_id, programme, _household, _filed in candidates:
        groups[(township_id, programme)].append(pk)
    year = clock.today().year
    names = dict(Township.objects.values_list("pk", "name"))
    ratios: dict[str, Decimal] = {}
    summary, items = [], []
    prepared: dict[tuple[str, ...], str] = {}
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
            why = tuple(reasons[pk])
            if why not in prepared:
                prepared[why] = json_value(list(why))
            items.append((batch.pk, pk, township_id, str(pk) in sample, prepared[why]))
        summary.append(
            {
                "township": names.get(township_id, ""),
                "programme": programme,
                "drawn": len(sample),
                "total": len(applications),
                "ratio": str(ratio),
            }
        )
    insert_rows(SpotCheckItem, ITEM_FIELDS, items)
    # Until benefits stores only users as the history's author (user_or_none), the system's
    # draw reaches it as None; a person's draw as the person.
    applications_mark_for_spot_check(
        actor=actor if user_or_none(actor) is not None else None,
        application_ids=SpotCheckItem.objects.filter(batch=batch, drawn=True).values("application_id"),
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
