"""A caseworker works a reconciliation finding of their township in a real browser: opens it from
the work list, resolves it with what was done and a note, and sees it resolved."""

import os
import re
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from audits.models import Finding, FindingKind, FindingStatus, Resolution
from audits.services import reconciliation_run
from households.ledger import ledger_import_rows
from sunwu_relief.authz import system
from tests.audits.conftest import ledger_rows_for
from tests.conftest import PASSWORD, member_data, new_id_number

pytestmark = pytest.mark.e2e

CJK = re.compile(r"[\u4e00-\u9fff]")
OUR_HEAD = "孙桂芝"
THEIR_HEAD = "李春花"
CHECKED = "Checked, nothing to change"  # Resolution.CHECK's msgid (an "include" waits for its application)
NOTE = "入户核实：家庭情况与台账一致，无需变更。"


def _chinese(msgid: str) -> str:
    with translation.override("zh-hans"):
        text = gettext(msgid)
    assert text != msgid, f"no Chinese translation of {msgid!r}: compile locale/zh_Hans (make messages)"
    assert CJK.search(text)
    return text


def _screenshot_path(tmp_path: Path, name: str) -> Path:
    directory = Path(os.environ.get("E2E_SCREENSHOT_DIR") or tmp_path)
    directory.mkdir(parents=True, exist_ok=True)
    return directory / name


@pytest.fixture
def not_covered_findings(make_household, caseworker_sunwu, caseworker_chenqing):
    """A registered-poor household on no roll in 孙吴镇 and one in 辰清镇: a not_covered finding each,
    through the ledger import and the reconciliation services."""
    ours = make_household(
        caseworker_sunwu,
        head=member_data(name=OUR_HEAD, relationship="head", id_number=new_id_number(born="19580312", male=False)),
        members=[member_data(name="孙志强", relationship="son", id_number=new_id_number(born="19830705"))],
    )
    theirs = make_household(
        caseworker_chenqing,
        head=member_data(name=THEIR_HEAD, relationship="head", id_number=new_id_number(born="19600101", male=False)),
    )
    rows = ledger_rows_for(ours, number="L-SUNWU-1") + ledger_rows_for(theirs, number="L-CHENQING-1")
    result = ledger_import_rows(rows, actor=system("test"))
    assert result.succeeded, [str(e) for e in result.errors]
    reconciliation_run(actor=system("test"))
    mine = Finding.objects.get(kind=FindingKind.NOT_COVERED, household=ours)
    other = Finding.objects.get(kind=FindingKind.NOT_COVERED, household=theirs)
    assert (mine.township.name, mine.name, mine.status) == ("孙吴镇", OUR_HEAD, FindingStatus.OPEN)
    assert (other.township.name, other.name, other.status) == ("辰清镇", THEIR_HEAD, FindingStatus.OPEN)
    return mine, other


def test_caseworker_resolves_a_finding_of_own_township_from_the_work_list(
    browser_page, live_server, login, caseworker_sunwu, not_covered_findings, tmp_path
):
    page = browser_page
    mine, other = not_covered_findings
    mine_url = f"/audits/findings/{mine.pk}/"

    login(page, live_server, caseworker_sunwu.username, PASSWORD)
    page.goto(f"{live_server.url}/audits/findings/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("h1")).to_have_text(_chinese("Reconciliation findings"))

    # The work list shows 孙吴镇's open finding and nothing of 辰清镇.
    table = page.locator("table[data-testid='findings']")
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(OUR_HEAD)
    expect(rows.first).to_contain_text("孙吴镇")
    expect(rows.first).to_contain_text("L-SUNWU-1")
    expect(rows.first).to_contain_text(_chinese("Open"))
    expect(table.locator(f"a[href='{mine_url}']")).to_have_count(1)
    expect(table.locator(f"a[href='/audits/findings/{other.pk}/']")).to_have_count(0)
    listed = table.inner_text()
    assert THEIR_HEAD not in listed
    assert "辰清镇" not in listed
    assert mine.id_number not in listed  # lists mask ID numbers
    page.screenshot(path=str(_screenshot_path(tmp_path, "findings_worklist_list.png")), full_page=True)

    with page.expect_navigation():
        table.locator(f"a[href='{mine_url}']").click()
    assert page.url == f"{live_server.url}{mine_url}"
    expect(page.locator("h1")).to_have_text(_chinese("Registered poor, on neither 低保 nor 特困"))
    expect(page.locator("dl.facts")).to_contain_text(OUR_HEAD)
    expect(page.locator("dl.facts")).to_contain_text(mine.household.number)
    expect(page.locator("[data-testid='finding-status']")).to_have_text(_chinese("Open"))

    form = page.locator("form[data-testid='resolve-form']")
    expect(form).to_have_count(1)
    form.locator(f"input[name='resolution'][value='{Resolution.CHECK}']").check()
    form.locator("textarea[name='note']").fill(NOTE)
    with page.expect_navigation():
        form.locator("button[type='submit']").click()

    # Back on the finding (post/redirect/get), now resolved, with the note and no form.
    assert page.url == f"{live_server.url}{mine_url}"
    expect(page.get_by_text(_chinese("The finding was resolved."))).to_be_visible()
    status = page.locator("[data-testid='finding-status']")
    expect(status).to_contain_text(_chinese("Resolved"))
    expect(status).to_contain_text(_chinese(CHECKED))
    expect(page.locator("dl.facts")).to_contain_text(NOTE)
    expect(page.locator("form[data-testid='resolve-form']")).to_have_count(0)
    page.screenshot(path=str(_screenshot_path(tmp_path, "findings_worklist_resolved.png")), full_page=True)

    mine.refresh_from_db()
    assert mine.status == FindingStatus.RESOLVED
    assert mine.resolution == Resolution.CHECK
    assert mine.note == NOTE
    assert mine.resolved_by == caseworker_sunwu
    other.refresh_from_db()
    assert other.status == FindingStatus.OPEN

    # The list shows open findings by default: this one has left it; among the resolved it is there.
    page.goto(f"{live_server.url}/audits/findings/")
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table.locator("tbody tr").first).to_have_text(_chinese("No finding."))
    page.goto(f"{live_server.url}/audits/findings/?status=all")
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table.locator(f"a[href='{mine_url}']")).to_have_count(1)
    expect(table.locator("tbody tr").first).to_contain_text(_chinese("Resolved"))
    expect(table.locator("tbody tr").first).to_contain_text(_chinese(CHECKED))
    assert THEIR_HEAD not in table.inner_text()

    # The other township's finding is not found (not forbidden) by its URL either.
    response = page.goto(f"{live_server.url}/audits/findings/{other.pk}/")
    assert response is not None
    assert response.status == 404
