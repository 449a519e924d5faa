"""The rows the reconciliation (`reconciliation.py`) reads and records: the ledger streamed with our
members, and a person or a household as a finding records them."""

from typing import Any, NamedTuple

from django.db import connection

from households.ids import mask_id_number
from households.models import Household, LedgerRecord, Member


# Plain tuples (a county's 100,000 ledger rows are built in the loop: a tuple is the cheapest).
class _Ours(NamedTuple):
    name: str
    household_id: int


class _Ledger(NamedTuple):
    id_number: str
    name: str
    household_number: str
    relationship: str
    poverty_status: str
    exit_year: int | None
    township_id: int


def _person(record: _Ledger, ours: _Ours | None, households: dict[int, tuple[int, str]]) -> dict[str, Any]:
    return {
        "name": record.name,
        "id_number": mask_id_number(record.id_number),
        "relationship": record.relationship,
        "poverty_status": record.poverty_status,
        "ledger_household_number": record.household_number,
        "our_household": households[ours.household_id][1] if ours else None,
        "our_name": ours.name if ours else None,
    }


def _household_ref(household_id: int, households: dict[int, tuple[int, str]]) -> dict[str, Any]:
    return {"id": household_id, "number": households[household_id][1]}


def _ledger_with_ours(numbers: list[str] | None = None, households: list[int] | None = None):
    """The ledger's current records in household order, each with our current member of the same
    ID number and that member's household, as one LEFT JOIN streamed by the database (the
    registry is not loaded whole: 137,000 members and 47,000 households of a county). With
    `numbers` and `households`: only the records of those ledger households and those matched
    to those households of ours."""
    ledger = LedgerRecord._meta.db_table
    member = Member._meta.db_table
    household = Household._meta.db_table
    sql = (
        "SELECT l.id_number, l.name, l.household_number, l.relationship, l.poverty_status, l.exit_year,"  # noqa: S608
        " l.township_id, m.name, m.household_id, h.township_id, h.number"
        f" FROM {ledger} l LEFT JOIN {member} m ON m.id_number = l.id_number AND m.removed_on IS NULL"
        f" LEFT JOIN {household} h ON h.id = m.household_id"
        " WHERE l.removed = %s{only} ORDER BY l.household_number, l.id"
    )
    params: list[Any] = [False]
    only = ""
    if numbers is not None:
        households = households or []
        only = f" AND (l.household_number IN ({_marks(numbers)}) OR m.household_id IN ({_marks(households)}))"
        params += [*numbers, *households]
    server_side = not connection.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS")
    with connection.chunked_cursor() if server_side else connection.cursor() as cursor:
        cursor.execute(sql.format(only=only), params)
        while rows := cursor.fetchmany(5000):
            yield from rows


def _marks(values: list) -> str:
    return ", ".join(["%s"] * len(values)) or "NULL"  # x IN (NULL) is never true
