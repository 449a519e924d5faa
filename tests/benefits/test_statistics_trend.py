"""The statistics page's trend: the totals of twelve months in a fixed number of queries, equal
to each month's own report, over benefits that start, change amount, suspend, resume and stop
across the year (decisions taken in advance and out of order, two in the same month)."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from benefits import services
from benefits.medical.models import MedicalClaim
from benefits.medical.services import medical_claim_record
from benefits.models import Benefit, Programme
from benefits.statistics.selectors import TREND_FIGURES, last_months, monthly_report, trend_totals
from benefits.temporary.models import TemporaryCase
from benefits.temporary.services import TemporaryData, temporary_case_create, temporary_township_approve
from households.models import Township
from tests.benefits.programme_builders import benefit_from_roll, claim
from tests.conftest import member_data

pytestmark = pytest.mark.django_db
D = Decimal
MONTHS = last_months(12, until=datetime.date(2026, 12, 1))
PAYING = {"active", "phasing_out"}
LOCAL = ZoneInfo(settings.TIME_ZONE)


def month(number: int) -> datetime.date:
    return datetime.date(2026, number, 1)


def decide(actor, benefit, kind: str, effective: int, amount: str | None = None) -> None:
    extra = {"manual_reason": "special_hardship", "new_amount": D(amount)} if amount else {}
    services.benefit_change(
        actor=actor,
        benefit=Benefit.objects.get(pk=benefit.pk),
        kind=kind,
        effective_month=month(effective),
        reason_code="other",
        reason="人工调整",
        **extra,
    )


def at(day: datetime.datetime, model, pk: int, field: str) -> None:
    model.objects.filter(pk=pk).update(**{field: day})


@pytest.fixture
def year(make_household, caseworker_sunwu, caseworker_chenqing, reviewer_sunwu, bureau_reviewer, clock):
    """In 孙吴镇: A (低保 since January: lowered from March, suspended May–June, resumed in July,
    raised from September), C (特困 all year) and D (低保 from April: lowered from June, then twice
    for April — decided after June's, in force before it; the later of the two counts); in 辰清镇:
    B (低保 since January, stopped from June, decided in advance) and E (低保 since before the
    trend). Grants and claims in three months, one late on a month's last evening (the local day
    counts), one before the trend."""
    a_household = make_household(caseworker_sunwu, members=[member_data(name="王小花", relationship="spouse")])
    b_household = make_household(caseworker_chenqing, head=member_data(name="赵五", relationship="head"))
    c_household = make_household(caseworker_sunwu, head=member_data(name="孙六", relationship="head"))
    d_household = make_household(caseworker_sunwu, head=member_data(name="李四", relationship="head"))
    e_household = make_household(caseworker_chenqing, head=member_data(name="钱七", relationship="head"))
    clock.move_to(datetime.date(2026, 1, 5))
    a = benefit_from_roll(a_household, actor=bureau_reviewer, month="2026-01")
    b = benefit_from_roll(b_household, actor=bureau_reviewer, month="2026-01")
    benefit_from_roll(c_household, actor=bureau_reviewer, programme="tekun", month="2026-01")
    benefit_from_roll(e_household, actor=bureau_reviewer, month="2025-06")
    decide(bureau_reviewer, b, "stop", 6)
    clock.move_to(datetime.date(2026, 3, 2))
    decide(bureau_reviewer, a, "lower", 3, "450")
    clock.move_to(datetime.date(2026, 4, 3))
    d = benefit_from_roll(d_household, actor=bureau_reviewer, month="2026-04")
    decide(bureau_reviewer, d, "lower", 6, "300")
    decide(bureau_reviewer, d, "lower", 4, "250")
    decide(bureau_reviewer, d, "lower", 4, "200")
    decide(bureau_reviewer, a, "suspend", 5)
    decide(bureau_reviewer, a, "resume", 7)
    decide(bureau_reviewer, a, "raise", 9, "500")
    for number, (case_day, claim_day) in enumerate(
        [
            (datetime.datetime(2026, 2, 28, 23, 30, tzinfo=LOCAL), datetime.datetime(2026, 2, 10, 9, tzinfo=LOCAL)),
            (datetime.datetime(2026, 3, 1, 8, tzinfo=LOCAL), datetime.datetime(2026, 6, 30, 23, 50, tzinfo=LOCAL)),
            (datetime.datetime(2025, 12, 31, 12, tzinfo=LOCAL), datetime.datetime(2025, 11, 3, 9, tzinfo=LOCAL)),
        ]
    ):
        member = a_household.members.get(relationship="head")
        case = temporary_case_create(
            actor=caseworker_sunwu,
            data=TemporaryData(
                kind="emergency",
                cause="accident",
                circumstances="房屋失火",
                amount=D("800") + number,
                emergency_grant=True,
                member=member,
            ),
        )
        temporary_township_approve(actor=reviewer_sunwu, case=case, opinion="先行救助")
        at(case_day, TemporaryCase, case.pk, "decided_at")
        recorded = medical_claim_record(
            actor=caseworker_sunwu, member=member, data=claim(self_pay="2000", number=f"S{number}")
        )
        at(claim_day, MedicalClaim, recorded.pk, "created")
    clock.move_to(datetime.date(2026, 11, 20))


def paid(benefit_month: datetime.date, township_ids: list[int]) -> dict[str, object]:
    """低保 and 特困 of a month straight from each benefit's decision in force (the model's rule)."""
    figures = {"dibao_households": 0, "dibao_persons": 0, "dibao_amount": D("0"), "tekun_persons": 0}
    figures["tekun_amount"] = D("0")
    for benefit in Benefit.objects.filter(township_id__in=township_ids):
        decision = benefit.decision_in(benefit_month)
        if benefit.start_month > benefit_month or decision is None or decision.new_status not in PAYING:
            continue
        if benefit.programme == Programme.DIBAO:
            figures["dibao_households"] += 1
            figures["dibao_persons"] += benefit.covered_count
            figures["dibao_amount"] += decision.new_amount
        else:
            figures["tekun_persons"] += benefit.covered_count
            figures["tekun_amount"] += decision.new_amount
    return figures


@pytest.mark.parametrize("scope", ["county", "孙吴镇", "辰清镇"])
def test_each_months_trend_totals_equal_that_months_report(year, scope):
    townships = list(Township.objects.all() if scope == "county" else Township.objects.filter(name=scope))
    trend = trend_totals(months=MONTHS, townships=townships)
    assert [m for m, _row in trend] == MONTHS
    for trend_month, row in trend:
        total = monthly_report(month=trend_month, townships=townships).total
        assert {name: getattr(row, name) for name in TREND_FIGURES} == {
            name: getattr(total, name) for name in TREND_FIGURES
        }, trend_month
        by_rule = paid(trend_month, [t.pk for t in townships])
        assert {name: getattr(row, name) for name in by_rule} == by_rule, trend_month


def test_the_trend_follows_the_decisions_month_by_month(year):
    trend = dict(trend_totals(months=MONTHS, townships=list(Township.objects.filter(name="孙吴镇"))))
    amounts = [str(trend[m].dibao_amount) for m in MONTHS]
    # A: 600, 450 from March, nothing in May–June, 450 from July, 500 from September;
    # D: 200 from April, 300 from June.
    assert amounts == ["600.00", "600.00", "450.00", "650.00", "200.00", "300.00", "750.00", "750.00"] + ["800.00"] * 4
    assert [trend[m].dibao_households for m in MONTHS] == [1, 1, 1, 2, 1, 1] + [2] * 6
    assert [trend[m].tekun_persons for m in MONTHS] == [1] * 12
    # The grant of 28 February 23:30 local time counts in February; the claim of 30 June 23:50 in June.
    assert [trend[m].temporary_count for m in MONTHS] == [0, 1, 1] + [0] * 9
    assert [trend[m].medical_count for m in MONTHS] == [0, 1, 0, 0, 0, 1] + [0] * 6
    county = dict(trend_totals(months=MONTHS, townships=list(Township.objects.all())))
    # B stops from June; E has been paid since 2025.
    assert [county[m].dibao_households - trend[m].dibao_households for m in MONTHS] == [2] * 5 + [1] * 7


def test_the_pages_queries_do_not_grow_with_the_months_data(year, client, bureau_reviewer, caseworker_sunwu):
    """The same queries for a month with a year of decisions, grants and claims behind it as for one
    with none (2025-01: nothing in force before), for the county and a township: the session, the
    user, the townships, the spans, the grants, the claims, the county settings and the session's
    save (here a savepoint, the update, the release); on PostgreSQL the spans in a transaction of
    their own with JIT off (a savepoint, the setting, the release). A township user's page reads
    its township's contacts once more."""
    counts = []
    for user, shown in ((bureau_reviewer, "2026-12"), (bureau_reviewer, "2025-01"), (caseworker_sunwu, "2026-12")):
        client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("statistics:monthly"), {"month": shown}).status_code == 200
        counts.append(len(queries))
    expected = 11 + (3 if connection.vendor == "postgresql" else 0)
    assert counts == [expected, expected, expected + 1]
