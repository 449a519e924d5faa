"""County settings are data: the bureau edits them (audited, with history) and every page,
public notice and written notice prints them; no invented telephone number anywhere."""

import pytest
from django.urls import reverse

from benefits import services as benefit_services
from benefits.models import ApplicationStatus
from households import services
from households.models import CountySettings, is_example_telephone
from households.selectors import contacts_for, county_settings
from sunwu_relief.errors import InvalidInput, NotAllowed
from sunwu_relief.models import AuditEvent

pytestmark = pytest.mark.django_db

WRONG_NUMBER = "0456-8429689"  # the county website's information centre, never the complaints line


def test_defaults_are_marked_as_examples_and_name_the_appeal_body():
    settings = county_settings()
    assert settings.bureau_name == "孙吴县民政局"
    assert settings.complaints_telephone_is_example
    contacts = contacts_for()
    assert "60日内向孙吴县人民政府申请行政复议" in contacts.appeal_text
    assert "6个月内" in contacts.appeal_text
    assert "示例号码" in contacts.appeal_text
    assert WRONG_NUMBER not in contacts.appeal_text


def test_example_numbers_are_those_whose_local_part_begins_with_zero():
    assert is_example_telephone("0456-0000000")
    assert is_example_telephone("0456-0000003")
    assert not is_example_telephone("0456-6421234")
    assert not is_example_telephone("12345")


def test_bureau_changes_the_settings_audited_with_history(bureau_reviewer):
    settings = county_settings()
    services.county_settings_save(
        actor=bureau_reviewer, settings=settings, complaints_telephone="0456-6421234", appeal_days=90
    )
    settings.refresh_from_db()
    assert settings.complaints_telephone == "0456-6421234"
    assert not settings.complaints_telephone_is_example
    event = AuditEvent.objects.get(action="county_settings.change")
    assert event.detail["changes"]["complaints_telephone"] == ["0456-0000000", "0456-6421234"]
    assert settings.history.count() >= 1
    assert settings.history.first().history_user == bureau_reviewer
    # Saving the same values again records nothing.
    services.county_settings_save(actor=bureau_reviewer, settings=settings, complaints_telephone="0456-6421234")
    assert AuditEvent.objects.filter(action="county_settings.change").count() == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("complaints_telephone", "8429689"),
        ("appeal_days", 30),
        ("litigation_months", 3),
        ("bureau_name", "民政局\u202e"),
    ],
)
def test_invalid_settings_are_field_errors_and_nothing_is_saved(bureau_reviewer, field, value):
    settings = county_settings()
    with pytest.raises(InvalidInput) as exc:
        services.county_settings_save(actor=bureau_reviewer, settings=settings, **{field: value})
    assert field in exc.value.field_errors
    assert CountySettings.objects.get(pk=settings.pk).complaints_telephone == "0456-0000000"


def test_only_the_bureau_changes_settings(auditor, reviewer_sunwu, township_sunwu):
    with pytest.raises(NotAllowed):
        services.county_settings_save(actor=auditor, settings=county_settings(), complaints_telephone="0456-6421234")
    with pytest.raises(NotAllowed):
        services.township_contact_save(
            actor=reviewer_sunwu, township=township_sunwu, service_address="", service_telephone="0456-6420001"
        )


def test_township_telephone_is_printed_on_its_notices(bureau_reviewer, township_sunwu):
    township = services.township_contact_save(
        actor=bureau_reviewer,
        township=township_sunwu,
        service_address="孙吴镇政府一楼",
        service_telephone="0456-0000001",
    )
    contacts = contacts_for(township)
    assert contacts.telephone == "0456-0000001"
    assert contacts.telephone_is_example
    assert contacts.township_address == "孙吴镇政府一楼"
    assert AuditEvent.objects.filter(action="township.contact_change", township_id=township_sunwu.pk).exists()
    with pytest.raises(InvalidInput):
        services.township_contact_save(
            actor=bureau_reviewer, township=township_sunwu, service_address="", service_telephone="abc"
        )


def test_footer_and_notice_board_print_the_settings(client, caseworker_sunwu, bureau_reviewer, township_sunwu):
    services.county_settings_save(
        actor=bureau_reviewer, settings=county_settings(), complaints_telephone="0456-6421234"
    )
    client.force_login(caseworker_sunwu)
    page = client.get(reverse("benefits:applications")).content.decode()
    assert "0456-6421234" in page
    assert WRONG_NUMBER not in page
    services.township_contact_save(
        actor=bureau_reviewer, township=township_sunwu, service_address="", service_telephone="0456-6420001"
    )
    board = client.get(reverse("benefits:notices")).content.decode()
    assert "0456-6420001" in board
    assert WRONG_NUMBER not in board


def test_login_page_footer_needs_no_login(client):
    page = client.get(reverse("login")).content.decode()
    assert "0456-0000000" in page
    assert WRONG_NUMBER not in page


def test_written_notice_prints_the_settings_in_force_when_issued(cases, bureau_reviewer, client):
    services.county_settings_save(
        actor=bureau_reviewer, settings=county_settings(), complaints_telephone="0456-6421234", appeal_days=90
    )
    application = cases.to(ApplicationStatus.COUNTY_REVIEW)
    notice = benefit_services.application_county_reject(
        actor=bureau_reviewer, application=application, reason_code="income_above_standard", comment="收入超标"
    )
    assert "0456-6421234" in notice.body
    assert "90日内向孙吴县人民政府" in notice.body
    assert WRONG_NUMBER not in notice.body
    client.force_login(bureau_reviewer)
    page = client.get(reverse("benefits:written-notice", args=[notice.pk])).content.decode()
    assert "孙吴县民政局" in page
    assert WRONG_NUMBER not in page


def test_admin_edits_go_through_the_service(client, bureau_reviewer, auditor):
    settings = county_settings()
    url = reverse("admin:households_countysettings_change", args=[settings.pk])
    client.force_login(auditor)
    assert client.post(url, {"complaints_telephone": "0456-6421234"}).status_code == 403
    client.force_login(bureau_reviewer)
    data = {
        "bureau_name": "孙吴县民政局",
        "bureau_address": "孙吴县",
        "complaints_telephone": "0456-6421234",
        "appeal_body": "孙吴县人民政府",
        "appeal_days": 60,
        "court": "有管辖权的人民法院",
        "litigation_months": 6,
    }
    assert client.post(url, {**data, "complaints_telephone": "12"}).status_code == 200  # the form shows the error
    response = client.post(url, data)
    assert response.status_code == 302
    settings.refresh_from_db()
    assert settings.complaints_telephone == "0456-6421234"
    assert AuditEvent.objects.filter(action="county_settings.change", actor=bureau_reviewer).exists()
