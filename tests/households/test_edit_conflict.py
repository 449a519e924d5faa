"""Two caseworkers open the same household's edit page; the second to save is told that the
first saved meanwhile, and the first's change stands (the threads' race: tests/integration/
test_concurrency.py)."""

import re

import pytest

from households import services
from households.rules import household_version
from sunwu_relief.errors import WorkflowError

pytestmark = pytest.mark.django_db


def _version(page) -> str:
    return re.search(r'name="version" value="([^"]+)"', page.content.decode()).group(1)


def test_the_second_save_from_a_stale_page_is_refused(client, household_sunwu, caseworker_sunwu, caseworker2_sunwu):
    client.force_login(caseworker_sunwu)
    page = client.get(f"/households/{household_sunwu.pk}/edit/")
    seen = _version(page)
    household_sunwu.refresh_from_db()
    assert seen == household_version(household_sunwu)

    services.household_update(
        actor=caseworker2_sunwu,
        household=household_sunwu,
        village=household_sunwu.village,
        address="新地址1号",
        hukou_number=household_sunwu.hukou_number,
        seen_version=seen,
    )
    response = client.post(
        f"/households/{household_sunwu.pk}/edit/",
        {"village": household_sunwu.village_id, "address": "旧页面2号", "hukou_number": "", "version": seen},
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    household_sunwu.refresh_from_db()
    assert household_sunwu.address == "新地址1号"

    fresh = _version(client.get(f"/households/{household_sunwu.pk}/edit/"))
    response = client.post(
        f"/households/{household_sunwu.pk}/edit/",
        {"village": household_sunwu.village_id, "address": "旧页面2号", "hukou_number": "", "version": fresh},
    )
    assert response.status_code == 302
    household_sunwu.refresh_from_db()
    assert household_sunwu.address == "旧页面2号"


def test_the_service_names_the_conflict(household_sunwu, caseworker_sunwu):
    household_sunwu.refresh_from_db()
    seen = household_version(household_sunwu)
    services.household_update(
        actor=caseworker_sunwu,
        household=household_sunwu,
        village=household_sunwu.village,
        address="甲",
        hukou_number="",
    )
    with pytest.raises(WorkflowError) as refused:
        services.household_update(
            actor=caseworker_sunwu,
            household=household_sunwu,
            village=household_sunwu.village,
            address="乙",
            hukou_number="",
            seen_version=seen,
        )
    assert refused.value.code == "household.changed_meanwhile"
    assert refused.value.status_code == 409
