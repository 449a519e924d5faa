"""The persons supported at home (分散供养) download as xlsx: the page's rows in the user's township,
never a formula, audited, and in the access log as health data naming the persons whose self-care
ability it shows; the download's queries do not grow (the page's are pinned in test_intake_pages)."""

import datetime

import pytest
from django.urls import reverse

from benefits.carehomes.services import PlacementData, placement_start, self_care_assess
from sunwu_relief.models import AccessLog, AuditEvent
from tests.benefits.programme_builders import benefit_from_roll
from tests.conftest import member_data
from tests.xlsx_checks import assert_safe, column, query_count, sheet_rows

pytestmark = pytest.mark.django_db

URL = reverse("benefits:care-list")
DAY = datetime.date(2026, 3, 2)


def at_home(make_household, caseworker, bureau, *, name="赵老汉", assessed=True):
    household = make_household(caseworker, head=member_data(name=name, relationship="head"))
    benefit_from_roll(household, actor=bureau, programme="tekun")
    person = household.members.get(relationship="head")
    data = PlacementData(mode="dispersed", start_on=DAY, carer_name="-邻居", agreement_signed_on=DAY)
    placement_start(actor=caseworker, member=person, data=data)
    if assessed:
        self_care_assess(actor=caseworker, member=person, level="fully_disabled", assessed_on=DAY, assessed_by="医院")
    return person


def test_a_caseworker_downloads_the_persons_supported_at_home_in_their_township(
    client, make_household, caseworker_sunwu, caseworker_chenqing, bureau_reviewer, clock
):
    clock.move_to(DAY)
    assessed = at_home(make_household, caseworker_sunwu, bureau_reviewer, name="赵老汉")
    at_home(make_household, caseworker_sunwu, bureau_reviewer, name="钱老汉", assessed=False)
    at_home(make_household, caseworker_chenqing, bureau_reviewer, name="李老汉")
    client.force_login(caseworker_sunwu)
    rows = sheet_rows(client.get(URL, {"format": "xlsx"}))
    assert sorted(column(rows, rows[1][0].value)) == ["赵老汉", "钱老汉"]
    assert set(column(rows, rows[1][2].value)) == {"-邻居"}
    assert_safe(rows)
    assert AuditEvent.objects.filter(action="export.download", actor=caseworker_sunwu).count() == 1
    log = AccessLog.objects.get(channel="export", user=caseworker_sunwu)
    assert log.health_data is True
    assert log.object_ids == [str(assessed.pk)]  # only the person whose level is shown
    client.force_login(caseworker_chenqing)
    assert column(sheet_rows(client.get(URL, {"format": "xlsx"})), rows[1][0].value) == ["李老汉"]


def test_the_download_needs_a_case_role(client, poverty_office):
    client.force_login(poverty_office)
    assert client.get(URL, {"format": "xlsx"}).status_code == 403


def test_the_list_links_to_the_download(client, caseworker_sunwu):
    client.force_login(caseworker_sunwu)
    assert 'href="?format=xlsx"' in client.get(URL).content.decode()


def test_the_downloads_queries_do_not_grow_with_the_persons(
    client, make_household, caseworker_sunwu, bureau_reviewer, clock
):
    clock.move_to(DAY)
    client.force_login(caseworker_sunwu)
    for n in range(2):
        at_home(make_household, caseworker_sunwu, bureau_reviewer, name=f"甲{n}")
    few = query_count(client, URL, {"format": "xlsx"})
    for n in range(4):
        at_home(make_household, caseworker_sunwu, bureau_reviewer, name=f"乙{n}")
    assert query_count(client, URL, {"format": "xlsx"}) == few == 11
