"""The members' pinyin initials (the search key of names), recomputed when the surname map changes."""

from sunwu_relief.authz import require
from sunwu_relief.roles import Role

from ..models import Member
from ..names import name_initials


def members_refresh_initials(*, actor, township_id: int | None = None) -> int:
    """Recompute pinyin initials; idempotent, returns how many members changed. The system's step
    (after the surname override map changes), or the county's."""
    require(actor, roles={Role.BUREAU_REVIEWER})
    members = Member.objects.all() if township_id is None else Member.objects.filter(household__township_id=township_id)
    changed = []
    for member in members.only("id", "name", "name_initials").iterator(chunk_size=2000):
        initials = name_initials(member.name)
        if initials != member.name_initials:
            member.name_initials = initials
            changed.append(member)
    # Initials are a derived search key, not case data: no history entry is needed for them.
    Member.objects.bulk_update(changed, ["name_initials"], batch_size=1000)
    return len(changed)
