"""Assistance status of people (docs/interfaces.md §5): our registry's view joined with the ledger's."""

from operator import attrgetter
from typing import Any

from benefits.states import BenefitState, household_benefit_states
from households.models import LedgerRecord, Member, PovertyStatus
from households.selectors import members_for, townships_for
from sunwu_relief.audit import ObjectRef
from sunwu_relief.expressions import among
from sunwu_relief.roles import is_county_wide

MAX_BULK = 1000


def _programmes(household_ids: set[int]) -> dict[int, list[BenefitState]]:
    """{household id: its benefits other than stopped ones, by programme, newest first}, each with
    this month's status and amount, read as plain rows (a bulk answer covers 1,000 people)."""
    states = household_benefit_states(household_ids, without_stopped=True)
    return {household: sorted(benefits, key=attrgetter("programme")) for household, benefits in states.items()}


def assistance_status(user, id_numbers: list[str]) -> list[dict[str, Any]]:
    """One item per known person visible to the user, in the order asked; validated numbers in.

    A person in our registry is visible with their household (township roles: their township's).
    A person only the ledger knows is visible to county roles, and to a township's roles when the
    ledger places them in that township; one of our members outside the caller's scope is not
    shown at all (never half of them). `shown` is the row each item was read from (an
    `ObjectRef` to a member or a ledger record), for the caller's access log; it is not part of the answer.
    Everything is read as plain rows, only what the answer shows."""
    members = {
        row[1]: row
        for row in members_for(user)
        .filter(id_number__in=among(id_numbers, "varchar"))
        .values_list("id", "id_number", "name", "household_id", "household__classification")
    }
    ledger = {
        row[1]: row
        for row in LedgerRecord.objects.filter(id_number__in=among(id_numbers, "varchar"), removed=False).values_list(
            "id", "id_number", "name", "township_id", "poverty_status"
        )
    }
    programmes = _programmes({row[3] for row in members.values()}) if members else {}
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
            pk, _number, name, household_id, household_classification = member
            benefits = programmes.get(household_id, [])
            # The household's classification; for a household not yet classified, its benefit's.
            classification = household_classification or next(
                (b.classification for b in benefits if b.classification), None
            )
            items.append(
                {
                    "id_number": number,
                    "name": name,
                    "household": household_id,
                    "programmes": [
                        {
                            "programme": b.programme,
                            "status": b.status,
                            "monthly_amount": b.monthly_amount,
                            "start_month": f"{b.start_month:%Y-%m}",
                        }
                        for b in benefits
                    ],
                    "classification": classification,
                    "registered_poor": record is not None,
                    "out_of_poverty": record is not None and record[4] == PovertyStatus.OUT,
                    "shown": ObjectRef.of(Member, pk),  # for the access log, not part of the answer
                }
            )
        elif (
            record is not None
            and number not in hidden_members
            and (visible_townships is None or record[3] in visible_townships)
        ):
            items.append(
                {
                    "id_number": number,
                    "name": record[2],
                    "household": None,
                    "programmes": [],
                    "classification": None,
                    "registered_poor": True,
                    "out_of_poverty": record[4] == PovertyStatus.OUT,
                    "shown": ObjectRef.of(LedgerRecord, record[0]),
                }
            )
    return items
