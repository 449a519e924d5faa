"""Reads of the registered-poor ledger beside our registry (the household page's ledger view)."""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from .models import Household, LedgerRecord, Member
from .selectors import townships_for


@dataclass(frozen=True)
class LedgerLine:
    """One person, as we have them and as the ledger has them (either may be missing)."""

    member: Member | None
    record: LedgerRecord | None

    @property
    def name_differs(self) -> bool:
        return bool(self.member and self.record and self.member.name != self.record.name)


def ledger_view(user, household: Household, members: list[Member]) -> list[LedgerLine]:
    """Our members with their ledger records, then the ledger's people of the same ledger
    household(s) who are not in ours. Empty when nobody of the household is on the ledger.

    `household` comes from a scoped selector. The people not in ours are only those registered in
    the household's own township (and in the user's scope): ledger household numbers repeat across
    townships, and a member whose ID number happens to be on another township's ledger (anyone can
    type one in as a new member) must not pull that township's family into view (two queries)."""
    by_id = {
        record.id_number: record
        for record in LedgerRecord.objects.filter(id_number__in=[m.id_number for m in members]).select_related(
            "village"
        )
    }
    if not by_id:
        return []
    lines = [LedgerLine(member, by_id.get(member.id_number)) for member in members]
    numbers = {record.household_number for record in by_id.values() if record.township_id == household.township_id}
    others = (
        LedgerRecord.objects.filter(
            household_number__in=numbers,
            township_id=household.township_id,
            township__in=townships_for(user),
        )
        .exclude(id_number__in=[m.id_number for m in members])
        .select_related("village")
        .order_by("household_number", "id")
    )
    lines.extend(LedgerLine(None, record) for record in others)
    return lines


def with_ledger_flags(queryset: QuerySet[Household]) -> QuerySet[Household]:
    """`registered_poor` and `out_of_poverty` annotated (the selectors' own definition)."""
    from .selectors import _ledger_flags

    return _ledger_flags(queryset)


def poverty_label(household: Household) -> str:
    """已脱贫 / 建档立卡 / — for a household annotated by with_ledger_flags."""
    if not getattr(household, "registered_poor", False):
        return "—"
    return str(_("Out of poverty")) if getattr(household, "out_of_poverty", False) else str(_("Registered poor"))
