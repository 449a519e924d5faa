"""Villages first named by the poverty office's ledger wait for the county before caseworkers see them."""

import pytest
from django.urls import reverse

from households import services
from households.ledger import ledger_import_rows
from households.models import Village
from households.selectors import villages_for
from sunwu_relief.authz import system
from sunwu_relief.errors import InvalidInput, NotAllowed
from sunwu_relief.models import AuditEvent
from tests.conftest import member_data
from tests.ledger_builders import ledger_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger_village(township_sunwu) -> Village:
    assert ledger_import_rows([ledger_row(village="新建村")], actor=system("test")).succeeded
    return Village.objects.get(township=township_sunwu, name="新建村")


def test_an_unconfirmed_village_is_not_offered_to_caseworkers(client, caseworker_sunwu, ledger_village):
    assert ledger_village not in villages_for(caseworker_sunwu)
    client.force_login(caseworker_sunwu)
    for url in (reverse("households:list"), reverse("households:create")):
        assert "新建村" not in client.get(url).content.decode(), url


def test_a_household_cannot_be_put_in_an_unconfirmed_village(caseworker_sunwu, ledger_village, household_sunwu):
    with pytest.raises(InvalidInput) as caught:
        services.household_create(
            actor=caseworker_sunwu, village=ledger_village, address="", hukou_number="", head=member_data()
        )
    assert caught.value.code == "household.village_unconfirmed"
    with pytest.raises(InvalidInput) as caught:
        services.household_update(
            actor=caseworker_sunwu, household=household_sunwu, village=ledger_village, address="", hukou_number=""
        )
    assert caught.value.code == "household.village_unconfirmed"


def test_the_bureau_confirms_it_in_the_admin_and_then_caseworkers_see_it(
    client, bureau_reviewer, caseworker_sunwu, ledger_village
):
    client.force_login(bureau_reviewer)
    changelist = reverse("admin:households_village_changelist")
    assert "新建村" in client.get(changelist, {"confirmed__exact": "0"}).content.decode()
    response = client.post(changelist, {"action": "confirm_villages", "_selected_action": [ledger_village.pk]})
    assert response.status_code == 302
    ledger_village.refresh_from_db()
    assert ledger_village.confirmed is True
    assert ledger_village in villages_for(caseworker_sunwu)
    event = AuditEvent.objects.get(action="village.confirm")
    assert (event.actor, event.object_id) == (bureau_reviewer, str(ledger_village.pk))


def test_confirming_twice_records_once(bureau_reviewer, ledger_village):
    services.village_confirm(actor=bureau_reviewer, village=ledger_village)
    services.village_confirm(actor=bureau_reviewer, village=ledger_village)
    assert AuditEvent.objects.filter(action="village.confirm").count() == 1


@pytest.mark.parametrize("persona", ["auditor", "caseworker_sunwu", "poverty_office"])
def test_only_the_bureau_confirms(request, persona, ledger_village):
    with pytest.raises(NotAllowed) as caught:
        services.village_confirm(actor=request.getfixturevalue(persona), village=ledger_village)
    assert caught.value.code == "village.confirm_not_allowed"
    ledger_village.refresh_from_db()
    assert ledger_village.confirmed is False


def test_the_auditor_is_not_offered_the_confirm_action(client, auditor, ledger_village):
    client.force_login(auditor)
    changelist = reverse("admin:households_village_changelist")
    page = client.get(changelist)
    assert page.status_code == 200
    assert "confirm_villages" not in page.content.decode()
    client.post(changelist, {"action": "confirm_villages", "_selected_action": [ledger_village.pk]})
    ledger_village.refresh_from_db()
    assert ledger_village.confirmed is False
