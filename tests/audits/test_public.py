"""/public/: no log-in, the standards and time limits from the policy data, where to apply, the
complaints telephone; never any person's data."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from audits.complaints.models import Channel, Complaint
from audits.complaints.selectors import complaints_for
from audits.integrity.selectors import integrity_settings
from benefits.models import Programme
from benefits.selectors import standard_for
from households.models import Member, Township
from sunwu_relief import clock
from sunwu_relief.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    """The flood limit counts in the cache: each test starts with none counted."""
    cache.clear()
    yield
    cache.clear()


ID_NUMBER = re.compile(r"\d{17}[\dXx]")


def test_the_public_page_needs_no_log_in_and_shows_the_policy_data(client):
    response = client.get(reverse("public:home"))
    assert response.status_code == 200
    page = response.content.decode()
    year = clock.today().year
    dibao = standard_for(Programme.DIBAO, year)
    assert dibao is not None
    assert str(dibao.monthly_standard) in page
    tekun = standard_for(Programme.TEKUN, year)
    assert str(tekun.tekun_basic) in page
    assert f"{dibao.notice_days}" in page
    for township in Township.objects.all():
        assert township.name in page
    assert response.context["facts"].complaints_telephone in page


def test_a_changed_standard_shows_at_once(client, bureau_reviewer):
    standard = standard_for(Programme.DIBAO, clock.today().year)
    standard.monthly_standard = standard.monthly_standard + 7
    standard.save(update_fields=["monthly_standard"])
    assert str(standard.monthly_standard) in client.get(reverse("public:home")).content.decode()


def test_the_public_page_has_no_persons_data(client, make_household, caseworker_sunwu, caseworker_chenqing):
    make_household(caseworker_sunwu)
    make_household(caseworker_chenqing)
    page = client.get(reverse("public:home")).content.decode()
    assert not ID_NUMBER.search(page)
    for member in Member.all_objects.all():
        assert member.name not in page
        assert member.id_number not in page


def test_the_public_page_only_answers_reads(client):
    assert client.post(reverse("public:home")).status_code == 405


def test_the_public_page_queries_do_not_grow(client, make_household, caseworker_sunwu, django_assert_num_queries):
    make_household(caseworker_sunwu)
    # The four standards (低保, 特困, 医疗, 临时: one query each), the county settings, the
    # townships, the townships of the complaint form's choice, and the county settings again for
    # the footer (its context processor).
    with django_assert_num_queries(8):
        assert client.get(reverse("public:home")).status_code == 200


def _complaint(client, **data):
    return client.post(reverse("public:complaint"), {"content": "村干部优亲厚友，给亲戚办了低保", **data})


def test_anyone_may_leave_a_complaint_and_it_enters_the_complaints_list(client, caseworker_sunwu):
    township = caseworker_sunwu.staff_profile.township
    response = _complaint(client, township=township.pk)
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.channel == Channel.PUBLIC_PAGE
    assert complaint.anonymous is True
    assert complaint.recorded_by is None
    assert complaint.township == township
    assert complaint.number.startswith("JB")
    assert list(complaints_for(caseworker_sunwu)) == [complaint]
    event = AuditEvent.objects.get(action="complaint.record")
    assert event.detail["system"] == "public:complaint_form"


def test_a_flood_from_one_address_is_refused(client):
    limit = integrity_settings().public_complaints_per_hour
    for _ in range(limit):
        assert _complaint(client).status_code == 302
    refused = _complaint(client)
    assert refused.status_code == 429
    assert Complaint.objects.count() == limit


def test_a_flood_from_everyone_is_refused(client):
    settings_row = integrity_settings()
    settings_row.public_complaints_per_day = 2
    settings_row.save()
    for number in range(2):
        assert _complaint(client, REMOTE_ADDR=f"10.0.0.{number}").status_code == 302
    assert client.post(reverse("public:complaint"), {"content": "再次反映"}, REMOTE_ADDR="10.0.0.9").status_code == 429
    assert Complaint.objects.count() == 2


def test_an_empty_or_hostile_complaint_is_a_field_error_and_nothing_is_written(client):
    assert _complaint(client, content="").status_code == 400
    assert _complaint(client, content="举报\u202e内容").status_code == 400
    assert _complaint(client, township="999999").status_code == 400
    assert not Complaint.objects.exists()
