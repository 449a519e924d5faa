"""The parts of the reconciliation, each with a fingerprint of its inputs, so that a run computes
again only what changed (README, "What keeps the jobs flat").

A part ("unit") is a ledger household, `L:<household number>`, or one of our households that the
ledger names or that is covered, `H:<id>`. Every finding belongs to one: an identity mismatch, a
ledger household over several of ours and a registered-poor household not covered to the ledger
household; one of ours over several ledger households, not registered, and covered though out of
poverty to our household. What a part's findings are computed from, and therefore hashed:

- a ledger household: each of its current records (every field the findings show or test) with
  our current member of the same ID number (name, household);
- our household: its number and township, its current head, its covering benefits (programme,
  status, start month) with all their decisions (the amount and status shown are this month's
  decision's: the month is part of the fingerprint), and the ledger records of its members.

A ledger household's findings also show the number and township of the households of ours its
people belong to, and test whether they are covered: those are inputs of our households' parts,
so a run computes again, beside the changed parts, the ledger households of the people of every
changed household of ours (`ledger_units_of`).

The fingerprint is one query on PostgreSQL: per part, the sum of the 64-bit record hashes
(`hash_record_extended`) of those rows — an order-free aggregate, so no sort — prefixed with
`VERSION` (and for our households the month). A run compares them with the stored ones
(`ReconciliationUnit`) in the same query and gets back only the parts that are new, changed or
gone; with nothing changed, nothing more is read. Other databases have no such hash: every run
computes every part there (the fixtures of tests, a small county), as the whole comparison
always did.

`VERSION` is the rules' number (bump it when what a finding records changes) followed by a digest
of the source of the modules that compute the findings and their parts, so that a release
that changes either of them computes every part again once without anybody remembering to bump
it (a comment changed costs one full run, a few seconds).
"""

import hashlib
from pathlib import Path

from django.db import connection

from benefits.models import COVERED_STATUSES, Benefit, BenefitChange
from households.models import Household, LedgerRecord, Member, Relationship
from sunwu_relief import clock

from ..models import ReconciliationUnit

_SOURCES = [
    Path(__file__),
    Path(__file__).with_name("reconciliation.py"),
    Path(__file__).with_name("reconciliation_rows.py"),
]
VERSION = "1." + hashlib.sha256(b"".join(path.read_bytes() for path in _SOURCES)).hexdigest()[:12]
BATCH = 1000


def ledger_unit(household_number: str) -> str:
    return f"L:{household_number}"


def our_unit(household_id: int) -> str:
    return f"H:{household_id}"


def unit_changes(programmes) -> dict[str, str | None] | None:
    """{part: its fingerprint now, or None when it is gone} of the parts whose fingerprint is not
    the stored one; None where the database cannot tell (every part is then to be computed)."""
    if connection.vendor != "postgresql":
        return None
    ledger = LedgerRecord._meta.db_table
    member = Member._meta.db_table
    household = Household._meta.db_table
    benefit = Benefit._meta.db_table
    change = BenefitChange._meta.db_table
    stored = ReconciliationUnit._meta.db_table
    sql = f"""
    WITH persons AS MATERIALIZED (
      SELECT l.household_number, m.household_id,
        hash_record_extended(ROW(l.id, l.id_number, l.name, l.household_number, l.relationship,
          l.poverty_status, l.exit_year, l.township_id, m.name, m.household_id), 0) AS person
      FROM {ledger} l LEFT JOIN {member} m ON m.id_number = l.id_number AND m.removed_on IS NULL
      WHERE l.removed = false
    ), units AS (
      SELECT 'L:' || household_number AS key, %(version)s || ':' || sum(person)::text AS fingerprint
      FROM persons GROUP BY household_number
      UNION ALL
      SELECT 'H:' || h.id, %(version)s || ':' || %(month)s || ':' || (
        hash_record_extended(ROW(h.number, h.township_id, head.id, head.id_number, head.name), 0)
        + coalesce(p.fp, 0) + coalesce(b.fp, 0))::text
      FROM (
        SELECT household_id, sum(person) AS fp FROM persons WHERE household_id IS NOT NULL GROUP BY household_id
      ) p
      FULL JOIN (
        SELECT b.household_id, sum(hash_record_extended(ROW(b.id, b.programme, b.status, b.start_month,
          d.id, d.effective_month, d.created, d.new_status, d.new_amount), 0)) AS fp
        FROM {benefit} b LEFT JOIN {change} d ON d.benefit_id = b.id
        WHERE b.programme = ANY(%(programmes)s) AND b.status = ANY(%(statuses)s) GROUP BY b.household_id
      ) b ON b.household_id = p.household_id
      JOIN {household} h ON h.id = coalesce(p.household_id, b.household_id)
      -- One current head at the most (a unique constraint).
      LEFT JOIN {member} head ON head.household_id = h.id AND head.relationship = %(head)s AND head.removed_on IS NULL
    )
    SELECT coalesce(units.key, stored.key), units.fingerprint
    FROM units FULL JOIN {stored} stored ON stored.key = units.key
    WHERE units.fingerprint IS DISTINCT FROM stored.fingerprint
    """  # noqa: S608 (table names from the models; values are parameters)
    params = {
        "programmes": list(programmes),
        "statuses": sorted(COVERED_STATUSES),
        "version": VERSION,
        "month": f"{clock.current_month():%Y-%m}",
        "head": Relationship.HEAD,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return dict(cursor.fetchall())


def ledger_units_of(household_ids: list[int]) -> set[str]:
    """The ledger households some of whose current records are matched to these households of ours."""
    numbers = (
        LedgerRecord.objects.filter(
            removed=False, id_number__in=Member.objects.filter(household_id__in=household_ids).values("id_number")
        )
        .values_list("household_number", flat=True)
        .distinct()
    )
    return {ledger_unit(number) for number in numbers}


def units_store(changes: dict[str, str | None]) -> None:
    """Store the fingerprints of the parts computed again (and forget the gone ones)."""
    gone = [key for key, fingerprint in changes.items() if fingerprint is None]
    for start in range(0, len(gone), BATCH):
        ReconciliationUnit.objects.filter(key__in=gone[start : start + BATCH]).delete()
    ReconciliationUnit.objects.bulk_create(
        [ReconciliationUnit(key=key, fingerprint=fingerprint) for key, fingerprint in changes.items() if fingerprint],
        batch_size=BATCH,
        update_conflicts=True,
        unique_fields=["key"],
        update_fields=["fingerprint"],
    )
