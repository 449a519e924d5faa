"""The county's spot-check draw over the cases the townships sent up (docs/rules.md).

At least the programme's ratio (低保: 50%, S §三(三)) per township, rounded up, by a seeded draw
that anyone can repeat with `audits.rules.draw_sample`; filed (备案) and complained-about cases,
and households the poverty office declared out of poverty, are always in the sample.
"""

import secrets
from collections import defaultdict

from django.db import transaction
from django.utils.translation import gettext as _

from benefits.models import Application, ApplicationStatus, Objection, Standard
from benefits.selectors import standard_for
from benefits.services import application_mark_for_spot_check
from households.models import LedgerRecord, PovertyStatus, Township
from sunwu_relief import clock
from sunwu_relief.audit import record_event
from sunwu_relief.authz import require, user_or_none
from sunwu_relief.locks import LockKey, advisory_lock
from sunwu_relief.roles import Role

from ..complaints.selectors import spot_check_reasons as complaint_reasons
from ..events import AuditsEvent
from ..models import SpotCheckBatch, SpotCheckItem
from ..rules import draw_sample, hash_programme

# The county's staff draw; the nightly task and the operator's command draw as the system.
DRAW_ROLES = (Role.BUREAU_REVIEWER, Role.AUDITOR)


def always_reasons(application: Application) -> list[str]:
    reasons = []
    if application.filed:
        reasons.append(_("filed case (备案)"))
    if Objection.objects.filter(notice__application=application).exists():
        reasons.append(_("objection during the public notice"))
    ids = application.household.members.values_list("id_number", flat=True)
    if LedgerRecord.objects.filter(id_number__in=ids, removed=False, poverty_status=PovertyStatus.OUT).exists():
        reasons.append(_("declared out of poverty by the poverty office"))
    reasons.extend(complaint_reasons(application))  # an open complaint 举报 (audits.complaints)
    return reasons


@transaction.atomic
def spot_check_draw(*, actor, seed: int | None = None) -> SpotCheckBatch | None:
    """Draw over the applications waiting for county review that are in no batch yet; None when
    there are none (a second run with nothing new changes nothing)."""
    advisory_lock(LockKey.SPOT_CHECK_DRAW)
    require(actor, roles=DRAW_ROLES, message=_("Only county staff draw the spot-check sample."))
    candidates = list(
        # Lock the applications only: the batch item is the nullable side of the join.
        Application.objects.select_for_update(of=("self",))
        .filter(status=ApplicationStatus.COUNTY_REVIEW, spot_check__isnull=True)
        .select_related("household")
        .order_by("pk")
    )
    if not candidates:
        return None
    seed = seed if seed is not None else secrets.randbelow(2**31)
    batch = SpotCheckBatch.objects.create(created_by=user_or_none(actor), seed=seed)
    groups: dict[tuple[int, str], list[Application]] = defaultdict(list)
    for application in candidates:
        groups[(application.township_id, application.programme)].append(application)
    year = clock.today().year
    names = dict(Township.objects.values_list("pk", "name"))
    summary = []
    for (township_id, programme), applications in sorted(groups.items()):
        standard = standard_for(programme, year)
        # Without a standard for the year, the ratio is the standard's own default (one place).
        ratio = standard.spot_check_ratio if standard else Standard._meta.get_field("spot_check_ratio").get_default()
        reasons = {str(a.pk): always_reasons(a) for a in applications}
        # One seed for the batch; each group's draw is repeatable from it and the group's keys.
        sample = set(
            draw_sample(
                list(reasons),
                ratio=ratio,
                seed=seed ^ township_id ^ hash_programme(programme),
                always={pk for pk, why in reasons.items() if why},
            )
        )
        for application in applications:
            drawn = str(application.pk) in sample
            SpotCheckItem.objects.create(
                batch=batch,
                application=application,
                township_id=township_id,
                drawn=drawn,
                always_reasons=reasons[str(application.pk)],
            )
            if drawn:
                # Until benefits stores only users as the history's author (user_or_none), the
                # system's draw reaches it as None; a person's draw as the person.
                application_mark_for_spot_check(
                    actor=actor if user_or_none(actor) is not None else None, application=application
                )
        summary.append(
            {
                "township": names.get(township_id, ""),
                "programme": programme,
                "drawn": len(sample),
                "total": len(applications),
                "ratio": str(ratio),
            }
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
