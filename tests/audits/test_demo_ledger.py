"""seed_ledger (for seed_demo): a ledger that produces every kind of finding, once."""

import random

from audits.demo_ledger import seed_ledger
from audits.models import FindingKind
from households.models import Household, LedgerRecord
from tests.conftest import member_data


def test_seed_ledger_produces_every_kind_of_finding_once(make_household, caseworker_sunwu, caseworker_chenqing, cover):
    for index in range(24):
        actor = caseworker_sunwu if index % 2 else caseworker_chenqing
        make_household(actor, members=[member_data(relationship="son")] if index % 3 else [])
    households = list(Household.objects.order_by("pk"))
    cover(*[h for h in households[::2] if h.township.name == "孙吴镇"])
    cover(*[h for h in households[::2] if h.township.name == "辰清镇"])

    result = seed_ledger(rng=random.Random(7), households=households)

    assert result.imported.succeeded
    assert all(result.reconciliation.open[kind] > 0 for kind in FindingKind.values), result.reconciliation.open
    count = LedgerRecord.objects.count()
    again = seed_ledger(rng=random.Random(7), households=households)
    assert again.imported is None
    assert LedgerRecord.objects.count() == count
