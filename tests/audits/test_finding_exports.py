"""The findings work list downloads as xlsx: what the list shows, in the user's scope, IDs masked
as on screen, every cell text, the download audited."""

import io

import openpyxl
import pytest
from django.urls import reverse

from audits.services import reconciliation_run
from sunwu_relief.authz import system
from sunwu_relief.models import AccessLog, AuditEvent
from tests.audits.conftest import ledger_rows_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def findings(make_household, caseworker_sunwu, caseworker_chenqing, import_ledger):
    ours = make_household(caseworker_sunwu)
    theirs = make_household(caseworker_chenqing)
    import_ledger(ledger_rows_for(ours, number="=1+1") + ledger_rows_for(theirs, number="L-2"))
    reconciliation_run(actor=system("test:findings"))
    return ours, theirs


def _rows(content: bytes) -> list[list]:
    return [list(row) for row in openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows()]


def test_a_township_user_downloads_their_findings_masked_and_formula_safe(findings, client, caseworker_sunwu):
    ours, theirs = findings
    client.force_login(caseworker_sunwu)
    response = client.get(reverse("audits:findings"), {"format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = _rows(response.content)
    data = rows[2:]
    assert data, "the download holds the findings"
    townships = {row[1].value for row in data}
    assert townships == {ours.township.name}
    head = ours.members.get(relationship="head")
    text = " ".join(str(cell.value) for row in rows for cell in row)
    assert head.id_number not in text
    assert head.id_number[:6] in text  # masked as on screen: the region stays, the rest is hidden
    for row in data:
        for cell in row:
            assert cell.data_type == "s"
    assert any(row[5].value == "=1+1" for row in data)  # the ledger number is text, not a formula
    assert AuditEvent.objects.filter(action="export.download", actor=caseworker_sunwu).count() == 1
    log = AccessLog.objects.get(channel="export", user=caseworker_sunwu)  # every download is logged
    assert log.full_id_numbers is False  # nothing unmasked was shown
    assert len(log.object_ids) == len(data)


def test_the_download_follows_the_lists_filters(findings, client, bureau_reviewer):
    client.force_login(bureau_reviewer)
    everything = _rows(client.get(reverse("audits:findings"), {"format": "xlsx", "status": "open"}).content)
    resolved = _rows(client.get(reverse("audits:findings"), {"format": "xlsx", "status": "resolved"}).content)
    assert len(everything) > 2
    assert len(resolved) == 2  # title and header only


def test_the_download_needs_a_role(client, stranger):
    client.force_login(stranger)
    assert client.get(reverse("audits:findings"), {"format": "xlsx"}).status_code == 403
