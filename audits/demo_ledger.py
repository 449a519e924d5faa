"""The demo county's registered-poor ledger (seed_demo): built from the seeded households so that
reconciliation finds every kind of finding (docs/interfaces.md §4), imported through the real service.

    seed_ledger(rng=random.Random(seed), households=Household.objects.all())

Deterministic for the same rng and households; does nothing when a ledger is already loaded.
Covered households (a running 低保/特困 benefit) are needed for `covered_out_of_poverty` and
`not_registered`; seed the benefits first.
"""

import datetime
import random
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from benefits.demo.synthetic import SURNAMES, make_id_number
from benefits.models import COVERED_STATUSES, Benefit, Programme
from households.ledger import LEDGER_WORDS, ImportResult, ledger_import_rows
from households.models import Household, LedgerRecord, Member
from sunwu_relief.authz import system

from .services import ReconciliationResult, reconciliation_run

CAUSES = ["因病", "因残", "因学", "缺资金", "缺劳力", "缺技术", "自身发展动力不足"]
LABOUR = ["普通劳动力", "弱劳动力或半劳动力", "丧失劳动力", "无劳动力"]
HEALTH = ["健康", "长期慢性病", "患有大病", "残疾"]


@dataclass
class SeedLedgerResult:
    imported: ImportResult | None
    reconciliation: ReconciliationResult | None


def seed_ledger(*, rng: random.Random, households: Iterable[Household]) -> SeedLedgerResult:
    if LedgerRecord.objects.exists():
        return SeedLedgerResult(None, None)
    ordered = sorted(households, key=lambda h: h.pk)
    covered_ids = set(
        Benefit.objects.filter(
            household__in=ordered,
            programme__in=[Programme.DIBAO, Programme.TEKUN],
            status__in=COVERED_STATUSES,
        ).values_list("household_id", flat=True)
    )
    members: dict[int, list[Member]] = {}
    for member in Member.objects.filter(household__in=ordered).order_by("household_id", "id"):
        members.setdefault(member.household_id, []).append(member)
    covered = [h for h in ordered if h.pk in covered_ids and members.get(h.pk)]
    uncovered = [h for h in ordered if h.pk not in covered_ids and members.get(h.pk)]

    builder = _Builder(rng, members)
    # Covered households: most registered and poor; some declared out (covered_out_of_poverty);
    # some absent from the ledger (not_registered, for information).
    for index, household in enumerate(covered):
        if index % 7 == 1:
            continue  # not_registered
        builder.household(household, out=index % 7 == 2 or rng.random() < 0.05)
    # Households not covered: a quarter registered, most of them still poor (not_covered).
    for index, household in enumerate(uncovered):
        if index % 4 == 0:
            builder.household(household, out=rng.random() < 0.3)
    # One of ours spread over two ledger households, two of ours in one ledger household.
    big = next((h for h in uncovered[1::4] if len(members[h.pk]) >= 2), None)
    if big is not None:
        builder.household(big, out=False, split=True)
    pair = [h for h in uncovered[2::4] if h.pk != getattr(big, "pk", None)][:2]
    if len(pair) == 2:
        number = builder.household(pair[0], out=False)
        builder.household(pair[1], out=False, number=number, as_members=True)
    # Names typed differently by the poverty office (identity_mismatch).
    builder.rename(count=max(1, len(builder.rows) // 150))
    # People only the poverty office knows (not_covered without one of our households).
    for _ in range(max(2, len(ordered) // 50)):
        builder.stranger_household(ordered[rng.randrange(len(ordered))] if ordered else None)

    imported = ledger_import_rows(builder.rows, actor=system("command:seed_demo"))
    if not imported.succeeded:
        raise RuntimeError("the demo ledger did not import: " + "; ".join(str(e) for e in imported.errors[:5]))
    return SeedLedgerResult(imported, reconciliation_run(actor=system("command:seed_demo")))


class _Builder:
    def __init__(self, rng: random.Random, members: dict[int, list[Member]]) -> None:
        self.rng = rng
        self.members = members
        self.rows: list[dict[str, Any]] = []
        self.sequence = 0
        self.used = set(Member.objects.values_list("id_number", flat=True))

    def _number(self) -> str:
        self.sequence += 1
        return f"2311240{self.sequence:07d}"

    def _row(
        self,
        *,
        number: str,
        name: str,
        id_number: str,
        relationship: str,
        household: Household | None,
        size: int,
        out: bool,
        township: str = "",
        village: str = "",
    ) -> dict[str, Any]:
        return {
            "household_number": number,
            "name": name,
            "id_number": id_number,
            "relationship": relationship,
            "township": household.township.name if household else township,
            "village": household.village.name if household else village,
            "household_size": size,
            "poverty_attribute": self.rng.choice(["一般贫困户", "低保贫困户", "特困供养贫困户"]),
            "poverty_status": "已脱贫" if out else "未脱贫",
            "exit_year": self.rng.choice([2016, 2017, 2018, 2019]) if out else None,
            "poverty_cause": self.rng.choice(CAUSES),
            "labour_capacity": self.rng.choice(LABOUR),
            "health": self.rng.choice(HEALTH),
        }

    def household(
        self,
        household: Household,
        *,
        out: bool,
        split: bool = False,
        number: str | None = None,
        as_members: bool = False,
    ) -> str:
        people = self.members[household.pk]
        number = number or self._number()
        second = self._number() if split else number
        for index, member in enumerate(people):
            relationship = LEDGER_WORDS["relationship"].get(member.relationship, "其他")
            if as_members and relationship == "户主":
                relationship = "其他"
            target = second if split and index == len(people) - 1 else number
            if split and target == second:
                relationship = "户主"
            self.rows.append(
                self._row(
                    number=target,
                    name=member.name,
                    id_number=member.id_number,
                    relationship=relationship,
                    household=household,
                    size=len(people),
                    out=out,
                )
            )
        return number

    def rename(self, *, count: int) -> None:
        candidates = [row for row in self.rows if len(row["name"]) >= 2]
        for row in self.rng.sample(candidates, min(count, len(candidates))):
            row["name"] = row["name"][0] + ("明" if row["name"][1] != "明" else "亮") + row["name"][2:]

    def stranger_household(self, near: Household | None) -> None:
        if near is None:
            return
        number = self._number()
        size = self.rng.randint(1, 3)
        surname = self.rng.choice(SURNAMES)
        for index in range(size):
            while True:
                birth = datetime.date(self.rng.randint(1940, 2010), self.rng.randint(1, 12), self.rng.randint(1, 28))
                id_number = make_id_number(self.rng, birth, male=self.rng.random() < 0.5)
                if id_number not in self.used:
                    self.used.add(id_number)
                    break
            self.rows.append(
                self._row(
                    number=number,
                    name=surname + self.rng.choice("伟芳秀英敏静丽强磊军"),
                    id_number=id_number,
                    relationship="户主" if index == 0 else "之子",
                    household=near,
                    size=size,
                    out=False,
                )
            )
