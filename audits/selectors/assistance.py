"""Assistance status of people (docs/interfaces.md §5): our registry's view joined with the ledger's."""

from typing import Any

from django.db.models import Prefetch

from benefits.models import Benefit, BenefitStatus
from households.models import LedgerRecord, Member, PovertyStatus
from households.selectors import members_for, townships_for
from sunwu_relief.roles import is_county_wide

MAX_BULK = 1000


def _programme(benefit: Benefit) -> dict[str, Any]:
    # This month's decision (before the start month: the first one), read once for both fields.
    status, amount = benefit.current_state
    return {
        "programme": benefit.programme,
        "status": status,
        "monthly_amount": amount,
        "start_month": f"{benefit.start_month:%Y-%m}",
    }


def _programmes(member: Member) -> list[dict[str, Any]]:
    return [_programme(benefit) for benefit in member.household.current_benefits]


def _classification(member: Member) -> str | None:
    """The household's classification; for a household not yet classified, its benefit's."""
    if member.household.classification:
        return member.household.classification
    return next((b.classification for b in member.household.current_benefits if b.classification), None)


def assistance_status(user, id_numbers: list[str]) -> list[dict[str, Any]]:
    """One item per known person visible to the user, in the order asked; validated numbers in.

    A person in our registry is visible with their household (township roles: their township's).
    A person only the ledger knows is visible to county roles, and to a township's roles when the
    ledger places them in that township; one of our members outside the caller's scope is not
    shown at all (never half of them). `shown` is the row each item was read from (a member or a
    ledger record), for the caller's access log; it is not part of the answer."""
    # Only what the answer is read from (a bulk call reads up to 1,000 people's rows).
    benefits = (
        Benefit.objects.exclude(status=BenefitStatus.STOPPED)
        .only("id", "household_id", "programme", "status", "classification", "start_month")
        .order_by("programme", "-start_month")
        .prefetch_related(Benefit.decisions_prefetch())
    )
    members = {
        member.id_number: member
        for member in members_for(user)
        .filter(id_number__in=id_numbers)
        .select_related("household")
        .only("id", "id_number", "name", "household_id", "household__id", "household__classification")
        .prefetch_related(Prefetch("household__benefits", queryset=benefits, to_attr="current_benefits"))
    }
    ledger = {
        record.id_number: record
        for record in LedgerRecord.objects.filter(id_number__in=id_numbers, removed=False).only(
            "id", "id_number", "name", "township_id", "poverty_status"
        )
    }
    if is_county_wide(user):
        # County roles see every member and every township: nobody is hidden, nothing to ask.
        hidden_members: set[str] = set()
        visible_townships = None
    else:
        hidden_members = set(
            Member.objects.filter(id_number__in=[n for n in id_numbers if n not in members]).values_list(
                "id_number", flat=True
            )
        )
        visible_townships = set(townships_for(user).values_list("pk", flat=True))
    items = []
    for number in id_numbers:
        member, record = members.get(number), ledger.get(number)
        if member is not None:
            items.append(
                {
                    "id_number": number,
                    "name": member.name,
                    "household": member.household_id,
                    "programmes": _programmes(member),
                    "classification": _classification(member),
                    "registered_poor": record is not None,
                    "out_of_poverty": record is not None and record.poverty_status == PovertyStatus.OUT,
                    "shown": member,  # for the access log, not part of the answer
                }
            )
        elif (
            record is not None
            and number not in hidden_members
            and (visible_townships is None or record.township_id in visible_townships)
        ):
            items.append(
                {
                    "id_number": number,
                    "name": record.name,
                    "household": None,
                    "programmes": [],
                    "classification": None,
                    "registered_poor": True,
                    "out_of_poverty": record.poverty_status == PovertyStatus.OUT,
                    "shown": record,
                }
            )
    return items
