"""/public/: no log-in, the standards and time limits from the policy data, where to apply, the
complaints telephone; never any person's data."""

import re

import pytest
from django.urls import reverse

from benefits.models import Programme
from benefits.selectors import standard_for
from households.models import Member, Township
from sunwu_relief import clock

pytestmark = pytest.mark.django_db
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
    # townships, and the county settings again for the footer (its context processor).
    with django_assert_num_queries(7):
        assert client.get(reverse("public:home")).status_code == 200
