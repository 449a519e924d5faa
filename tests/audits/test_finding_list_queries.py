"""The reconciliation findings work list: its page's and its download's queries do not grow with
the findings (the download itself is tested in test_finding_exports)."""

import pytest
from django.urls import reverse

from audits.services import reconciliation_run
from sunwu_relief.authz import system
from tests.audits.conftest import ledger_rows_for
from tests.xlsx_checks import pinned, query_count, sheet_rows

pytestmark = pytest.mark.django_db

URL = reverse("audits:findings")


@pytest.mark.parametrize("params", [{}, {"format": "xlsx"}], ids=["page", "download"])
def test_the_queries_do_not_grow_with_the_findings(client, make_household, caseworker_sunwu, import_ledger, params):
    households = [make_household(caseworker_sunwu) for _ in range(6)]
    client.force_login(caseworker_sunwu)

    def findings_of(count):
        rows = []
        for n, household in enumerate(households[:count]):
            rows += ledger_rows_for(household, number=f"L-{n}")
        import_ledger(rows)  # upserts by ID number: the first households again, and the new ones
        reconciliation_run(actor=system("test:findings"))

    findings_of(2)
    few = query_count(client, URL, params)
    findings_of(6)
    assert len(sheet_rows(client.get(URL, {"format": "xlsx"}))) - 2 >= 6
    assert query_count(client, URL, params) == few == pinned(params, page=10, download=9)


def test_the_list_links_to_the_download_with_its_filters(client, bureau_reviewer):
    client.force_login(bureau_reviewer)
    page = client.get(URL, {"status": "resolved", "page": 1}).content.decode()
    assert 'href="?status=resolved&amp;format=xlsx"' in page
