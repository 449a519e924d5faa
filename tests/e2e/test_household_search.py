"""A caseworker finds a household by its head's name and opens it, in a real browser."""

import os
import re
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from households.ids import mask_id_number
from tests.conftest import PASSWORD, member_data, new_id_number

pytestmark = pytest.mark.e2e

CJK = re.compile(r"[\u4e00-\u9fff]")
HEAD_NAME = "孙桂芝"


def _chinese(msgid: str) -> str:
    with translation.override("zh-hans"):
        text = gettext(msgid)
    assert CJK.search(text), f"no Chinese translation of {msgid!r}: compile locale/zh_Hans (make messages)"
    return text


def _screenshot_path(tmp_path: Path, name: str) -> Path:
    directory = Path(os.environ.get("E2E_SCREENSHOT_DIR") or tmp_path)
    directory.mkdir(parents=True, exist_ok=True)
    return directory / name


def test_caseworker_finds_household_of_own_township_by_head_name_and_sees_its_members(
    browser_page, live_server, login, make_household, caseworker_sunwu, caseworker_chenqing, tmp_path
):
    page = browser_page
    head = member_data(name=HEAD_NAME, relationship="head", id_number=new_id_number(born="19580312", male=False))
    son = member_data(name="孙志强", relationship="son", id_number=new_id_number(born="19830705"))
    daughter_in_law = member_data(
        name="刘秀英", relationship="daughter_in_law", id_number=new_id_number(born="19850211", male=False)
    )
    ours = make_household(caseworker_sunwu, head=head, members=[son, daughter_in_law])
    # Same head's name in 辰清镇: a search that ignored the township would show it too.
    namesake = make_household(
        caseworker_chenqing,
        head=member_data(name=HEAD_NAME, relationship="head", id_number=new_id_number(born="19600101", male=False)),
    )

    login(page, live_server, caseworker_sunwu.username, PASSWORD)
    page.goto(f"{live_server.url}/households/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("h1")).to_have_text(_chinese("Households"))

    page.locator("form[role='search'] input[name='q']").fill(HEAD_NAME)
    with page.expect_navigation():
        page.locator("form[role='search'] button[type='submit']").click()

    rows = page.locator("table.list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(ours.number)
    expect(rows.first).to_contain_text(HEAD_NAME)
    expect(rows.first).to_contain_text(mask_id_number(head.id_number))  # lists always mask the ID
    results = page.locator("table.list").inner_text()
    assert namesake.number not in results
    assert head.id_number not in results
    page.screenshot(path=str(_screenshot_path(tmp_path, "household_search_list.png")), full_page=True)

    with page.expect_navigation():
        page.get_by_role("link", name=ours.number).click()
    expect(page.locator("h1")).to_contain_text(ours.number)
    expect(page.locator("h1")).to_contain_text(_chinese("Household"))
    expect(page.locator("dl.facts")).to_contain_text("孙吴镇")
    # The page has other tables (benefits, …): take the one whose header names the relationship to the head.
    member_table = page.locator("table").filter(
        has=page.get_by_role("columnheader", name=_chinese("Relationship to head"), exact=True)
    )
    expect(member_table).to_have_count(1)
    members = member_table.locator("tbody tr")
    expect(members).to_have_count(3)
    for data in (head, son, daughter_in_law):
        row = members.filter(has_text=data.name)
        expect(row).to_have_count(1)
        expect(row).to_contain_text(data.id_number)  # a caseworker sees full ID numbers on the household page
    expect(members.filter(has_text=HEAD_NAME)).to_contain_text("户主")
    page.screenshot(path=str(_screenshot_path(tmp_path, "household_search_detail.png")), full_page=True)

    # The namesake's page is outside the caseworker's township: not found, not forbidden.
    response = page.goto(f"{live_server.url}/households/{namesake.pk}/")
    assert response is not None
    assert response.status == 404
