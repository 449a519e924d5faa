"""`Member.on_ledger`, kept right: a member is on the ledger when a record of the same ID number is
(not removed). Every writer of either side calls `member_ledger_flags_refresh` in its transaction:
the ledger import (the whole registry, set-based), each member write (that person)."""

from django.db.models import Exists, OuterRef

from ..models import LedgerRecord, Member


def member_ledger_flags_refresh(*, id_numbers: list[str] | None = None) -> int:
    """Set `on_ledger` where it is wrong (of the members with these ID numbers, or of everyone):
    two UPDATEs that write only the rows that change. Returns how many changed."""
    members = Member.all_objects.all()
    if id_numbers is not None:
        members = members.filter(id_number__in=id_numbers)
    record = Exists(LedgerRecord.objects.filter(id_number=OuterRef("id_number"), removed=False))
    changed = members.filter(on_ledger=False).filter(record).update(on_ledger=True)
    return changed + members.filter(on_ledger=True).filter(~record).update(on_ledger=False)
