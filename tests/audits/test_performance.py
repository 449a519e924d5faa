"""Township performance 绩效考核: each figure counts its cases against their deadlines, the
county's row pools the townships, each figure opens its cases, county staff only."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from audits.performance.selectors import Period, performance_table
from benefits.models import Application, ApplicationStatus
from households.models import Township

pytestmark = pytest.mark.django_db


def _year() -> Period:
    today = timezone.localdate()
    return Period(start=today - datetime.timedelta(days=365), end=today)


@pytest.fixture
def decided(cases):
    """Two applications of 孙吴镇 decided today: one accepted today (on time), one accepted long
    before its decision deadline ran out (late)."""
    on_time = cases.to(ApplicationStatus.APPROVED)
    late = cases.to(ApplicationStatus.APPROVED)
    # Only the acceptance moves into the past: 120 calendar days is beyond any decision deadline.
    Application.objects.filter(pk=late.pk).update(accepted_at=timezone.now() - datetime.timedelta(days=120))
    return on_time, late


def test_decisions_on_time_count_against_the_deadline(decided):
    on_time, _late = decided
    township = Township.objects.get(pk=on_time.township_id)
    table = performance_table(period=_year(), townships=list(Township.objects.order_by("code")))
    row = next(r for r in table if r.township == township)
    assert (row.figures["decisions"].count, row.figures["decisions"].total) == (1, 2)
    assert row.figures["decisions"].rate == 50
    county = table[-1]
    assert county.township is None
    assert (county.figures["decisions"].count, county.figures["decisions"].total) == (1, 2)
    others = [r for r in table[:-1] if r.township != township]
    assert all(r.figures["decisions"].total is None for r in others)


def test_a_period_without_the_decisions_counts_none(decided):
    long_ago = Period(start=datetime.date(2020, 1, 1), end=datetime.date(2020, 12, 31))
    table = performance_table(period=long_ago, townships=list(Township.objects.all()))
    assert table[-1].figures["decisions"].total is None


def test_the_figure_opens_its_cases(decided, client, bureau_reviewer):
    on_time, late = decided
    client.force_login(bureau_reviewer)
    response = client.get(reverse("performance:detail", args=[on_time.township_id, "decisions"]))
    assert response.status_code == 200
    rows = {row["application"].pk: row["on_time"] for row in response.context["rows"]}
    assert rows == {on_time.pk: True, late.pk: False}


def test_the_page_is_for_county_staff_only(client, caseworker_sunwu, reviewer_sunwu, auditor):
    for user in (caseworker_sunwu, reviewer_sunwu):
        client.force_login(user)
        assert client.get(reverse("performance:table")).status_code == 403
    client.force_login(auditor)
    assert client.get(reverse("performance:table")).status_code == 200


def test_unknown_metric_or_township_is_not_found_and_a_bad_period_is_ignored(client, bureau_reviewer):
    client.force_login(bureau_reviewer)
    township = Township.objects.first()
    assert client.get(reverse("performance:detail", args=[township.pk, "nonsense"])).status_code == 404
    assert client.get(reverse("performance:detail", args=[999999, "decisions"])).status_code == 404
    response = client.get(reverse("performance:table"), {"from": "2026-13-40", "to": "x"})
    assert response.status_code == 200


def test_the_table_queries_do_not_grow_with_the_cases(cases, client, bureau_reviewer, django_assert_num_queries):
    cases.to(ApplicationStatus.APPROVED)
    client.force_login(bureau_reviewer)

    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("performance:table")).status_code == 200
        return len(queries)

    first = count()
    cases.to(ApplicationStatus.APPROVED)
    cases.to(ApplicationStatus.APPROVED)
    assert count() == first
    # Session, user and profile; townships; holidays; decided and accepted applications; the
    # investigation starts; the standards of the year (once); county visits; overdue reviews;
    # open findings; failed payments; the footer's county settings.
    with django_assert_num_queries(first):
        client.get(reverse("performance:table"))
