"""The decision in force (benefits/DECISIONS.md): one amount per month on every channel; raises
and lowers computed by the rules or bounded manual adjustments; never backdated; a standard
change re-states later decisions with one notice; repeats are no-ops."""

import datetime
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command
from django.utils import timezone
from knox.models import AuthToken

from assessments import services as assessment_services
from benefits import services
from benefits.models import ApplicationStatus, Benefit, BenefitChange, Standard, WrittenNotice
from benefits.rules import add_months
from sunwu_relief.errors import InvalidInput, NotAllowed, WorkflowError
from sunwu_relief.models import Job
from tests.builders import scan
from tests.conftest import member_data, new_id_number

pytestmark = pytest.mark.django_db


# Builders ---------------------------------------------------------------------------------------


def three_person_household(cases, *, wages: Decimal = Decimal("90")):
    """王大山 (head, wages), his wife and their son: (480 × 3 − 90) = 1350 元/月 with S = 480."""
    household = cases.make_household(
        cases.caseworker,
        members=[
            member_data(name="刘桂兰", relationship="spouse", id_number=new_id_number(born="19820202", male=False)),
            member_data(name="王小明", relationship="son", id_number=new_id_number(born="20150301")),
        ],
    )
    assessment = assessment_services.assessment_start(actor=cases.caseworker, household=household)
    assessment_services.authorisation_record(
        actor=cases.caseworker, assessment=assessment, signed_on=timezone.localdate(), signatory="王大山", scan=scan()
    )
    head = household.members.get(relationship="head")
    assessment_services.income_add(
        actor=cases.caseworker, assessment=assessment, member=head, kind="wages", monthly_amount=wages
    )
    return household


def reassess(cases, household, *, spouse_wages: Decimal):
    """A re-verification: a new frozen assessment in which the wife now earns `spouse_wages`."""
    assessment = assessment_services.assessment_start(actor=cases.caseworker, household=household)
    assessment_services.authorisation_record(
        actor=cases.caseworker, assessment=assessment, signed_on=timezone.localdate(), signatory="王大山", scan=scan()
    )
    spouse = household.members.get(relationship="spouse")
    assessment_services.income_add(
        actor=cases.caseworker, assessment=assessment, member=spouse, kind="wages", monthly_amount=spouse_wages
    )
    visit = assessment_services.visit_create(
        actor=cases.caseworker,
        assessment=assessment,
        data=assessment_services.VisitData(
            visit_date=timezone.localdate(), housing="砖房两间", household_confirmed=True, household_signatory="王大山"
        ),
        investigators=[cases.caseworker, cases.caseworker2],
    )
    assessment_services.visit_sign(actor=cases.caseworker, visit=visit)
    assessment_services.visit_sign(actor=cases.caseworker2, visit=visit)
    return assessment_services.assessment_finish(actor=cases.caseworker, assessment=assessment)


@pytest.fixture
def benefit_1350(cases) -> Benefit:
    household = three_person_household(cases)
    application = cases.to(ApplicationStatus.APPROVED, application=cases.draft(household=household))
    benefit = application.benefit
    assert benefit.monthly_amount == Decimal("1350")
    return benefit


def lower_to_1000(cases, benefit: Benefit, month: datetime.date) -> BenefitChange:
    """The wife earns 350 more: (480 × 3 − 440) = 1000 元/月."""
    assessment = reassess(cases, benefit.household, spouse_wages=Decimal("350"))
    return services.benefit_change(
        actor=cases.bureau,
        benefit=benefit,
        kind="lower",
        effective_month=month,
        reason_code="circumstances_changed",
        reason="复核：配偶务工收入增加",
        assessment=assessment,
    )


def raise_standard(cases, monthly: str, django_capture_on_commit_callbacks, *, year: int) -> Standard:
    standard = services.standard_for("dibao", year)
    standard.monthly_standard = Decimal(monthly)
    with django_capture_on_commit_callbacks(execute=True):
        services.standard_save(actor=cases.bureau, standard=standard)
    standard.refresh_from_db()
    return standard


def fresh(benefit: Benefit) -> Benefit:
    return Benefit.objects.prefetch_related("changes").get(pk=benefit.pk)


def month_after(month: datetime.date) -> datetime.date:
    return add_months(month, 1)


# Item 2: raises and lowers by the rules, bounded manual adjustments, never backdated ---------------


def test_lower_on_a_reassessment_is_computed_by_the_rules_and_its_explanation_matches(cases, benefit_1350):
    feb = month_after(benefit_1350.start_month)
    decision = lower_to_1000(cases, benefit_1350, feb)
    assert decision.new_amount == Decimal("1000")
    assert decision.old_amount == Decimal("1350")
    assert "1000" in decision.explanation
    assert "1350" not in decision.explanation
    assert decision.basis == BenefitChange.Basis.ASSESSMENT
    benefit = fresh(benefit_1350)
    assert benefit.decision_in(feb).explanation == decision.explanation
    notice = decision.written_notice
    assert "1000" in notice.body
    assert decision.explanation in notice.body


def test_a_backdated_change_is_refused(cases, benefit_1350):
    last_month = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    with pytest.raises(InvalidInput) as exc:
        services.benefit_change(
            actor=cases.bureau,
            benefit=benefit_1350,
            kind="suspend",
            effective_month=last_month,
            reason_code="other",
            reason="补录",
        )
    assert "decision.backdated" in exc.value.codes
    assert not BenefitChange.objects.filter(benefit=benefit_1350).exclude(kind="grant").exists()


def test_a_change_before_the_benefit_starts_is_refused(cases, benefit_1350):
    with pytest.raises(InvalidInput) as exc:
        services.benefit_change(
            actor=cases.bureau,
            benefit=benefit_1350,
            kind="suspend",
            effective_month=timezone.localdate(),
            reason_code="other",
            reason="暂停",
        )
    assert "decision.before_start" in exc.value.codes


def test_a_manual_amount_above_the_full_grant_is_refused(cases, benefit_1350):
    for amount in (Decimal("99999"), Decimal("1441"), Decimal("0"), Decimal("-5")):
        with pytest.raises(InvalidInput) as exc:
            services.benefit_change(
                actor=cases.bureau,
                benefit=benefit_1350,
                kind="raise" if amount > 1350 else "lower",
                effective_month=benefit_1350.start_month,
                reason_code="other",
                reason="人工调整",
                manual_reason="special_hardship",
                new_amount=amount,
            )
        assert "decision.amount_out_of_bounds" in exc.value.codes
    # At most S × 3 = 1440 (no income, no add-ons): allowed, and explained as a manual adjustment.
    decision = services.benefit_change(
        actor=cases.bureau,
        benefit=benefit_1350,
        kind="raise",
        effective_month=benefit_1350.start_month,
        reason_code="other",
        reason="重病住院，酌情增发",
        manual_reason="special_hardship",
        new_amount=Decimal("1440"),
    )
    assert decision.basis == BenefitChange.Basis.MANUAL
    assert "人工调整" in decision.explanation
    assert "1440" in decision.explanation


def test_a_raise_or_lower_needs_exactly_one_basis(cases, benefit_1350):
    assessment = reassess(cases, benefit_1350.household, spouse_wages=Decimal("350"))
    for extra in ({}, {"assessment": assessment, "manual_reason": "other", "new_amount": Decimal("900")}):
        with pytest.raises(InvalidInput) as exc:
            services.benefit_change(
                actor=cases.bureau,
                benefit=benefit_1350,
                kind="lower",
                effective_month=benefit_1350.start_month,
                reason_code="circumstances_changed",
                reason="复核",
                **extra,
            )
        assert "decision.basis_missing" in exc.value.codes
    with pytest.raises(InvalidInput) as exc:
        services.benefit_change(
            actor=cases.bureau,
            benefit=benefit_1350,
            kind="raise",
            effective_month=benefit_1350.start_month,
            reason_code="circumstances_changed",
            reason="复核",
            assessment=assessment,
        )
    assert "decision.not_a_raise" in exc.value.codes


def test_only_the_county_decides_a_change(cases, benefit_1350):
    with pytest.raises(NotAllowed):
        services.benefit_change(
            actor=cases.reviewer,
            benefit=benefit_1350,
            kind="suspend",
            effective_month=benefit_1350.start_month,
            reason_code="other",
            reason="暂停",
        )


def test_a_double_submitted_change_is_decided_once(cases, benefit_1350):
    feb = month_after(benefit_1350.start_month)
    first = lower_to_1000(cases, benefit_1350, feb)
    again = services.benefit_change(
        actor=cases.bureau,
        benefit=benefit_1350,
        kind="lower",
        effective_month=feb,
        reason_code="circumstances_changed",
        reason="复核：配偶务工收入增加",
        assessment=first.assessment,
    )
    assert again.pk == first.pk
    assert BenefitChange.objects.filter(benefit=benefit_1350, kind="lower").count() == 1
    assert WrittenNotice.objects.filter(benefit_change__benefit=benefit_1350).count() == 1


def test_a_stop_before_a_scheduled_resume_is_refused(cases, benefit_1350):
    start = benefit_1350.start_month
    for kind, month in (("suspend", start), ("resume", add_months(start, 2))):
        services.benefit_change(
            actor=cases.bureau, benefit=benefit_1350, kind=kind, effective_month=month, reason_code="other", reason="x"
        )
    with pytest.raises(WorkflowError) as exc:
        services.benefit_change(
            actor=cases.bureau,
            benefit=benefit_1350,
            kind="stop",
            effective_month=month_after(start),
            reason_code="moved_or_deceased",
            reason="迁出",
        )
    assert "decision.conflicts_with_later" in exc.value.codes


# Item 3: a standard change re-states the decision in force and the later ones ---------------------


def _api_amounts(client, user, household) -> list[str]:
    _instance, token = AuthToken.objects.create(user=user)
    response = client.get(f"/api/v1/households/{household.pk}/", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200
    return [b["monthly_amount"] for b in response.json()["benefits"]]


def _roll_amounts(tmp_path, month: datetime.date) -> list[Decimal]:
    out = tmp_path / f"roll-{month:%Y-%m}.xlsx"
    call_command("export_roll", programme="dibao", month=f"{month:%Y-%m}", output=str(out))
    rows = list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))
    header = next(i for i, row in enumerate(rows) if row[0] == "乡镇")
    return [Decimal(str(row[6])) for row in rows[header + 1 : -1]]


def test_standard_raise_after_a_scheduled_lowering_gives_one_amount_per_month_everywhere(
    cases, benefit_1350, client, clock, tmp_path, django_capture_on_commit_callbacks
):
    jan = benefit_1350.start_month
    feb = month_after(jan)
    lower_to_1000(cases, benefit_1350, feb)
    standard = raise_standard(cases, "500", django_capture_on_commit_callbacks, year=jan.year)
    job = Job.objects.get(kind="benefits.recompute")
    assert job.status == Job.Status.SUCCEEDED, job.errors
    assert job.created_by == cases.bureau
    benefit = fresh(benefit_1350)
    # January: (500 × 3 − 90) = 1410; February keeps the lowering, on the new standard: (500 × 3 − 440) = 1060.
    assert benefit.decision_in(jan).new_amount == Decimal("1410")
    assert benefit.decision_in(feb).new_amount == Decimal("1060")
    assert "500" in benefit.decision_in(feb).explanation
    assert "1060" in benefit.decision_in(feb).explanation
    recomputed = BenefitChange.objects.filter(benefit=benefit, kind="recompute")
    assert {d.actor for d in recomputed} == {cases.bureau}
    assert {d.standard_snapshot["version"] for d in recomputed} == {standard.version}
    # One notice for the standard change, explaining both months.
    notices = WrittenNotice.objects.filter(benefit_change__in=recomputed)
    assert notices.count() == 1
    body = notices.get().body
    assert "1410" in body
    assert "1060" in body
    assert f"{feb:%Y年%m月}" in body

    # The roll of each month.
    assert _roll_amounts(tmp_path, jan) == [Decimal("1410")]
    assert _roll_amounts(tmp_path, feb) == [Decimal("1060")]

    cases.caseworker.refresh_from_db()
    for today, amount in ((jan, "1410"), (feb, "1060")):
        clock.move_to(today + datetime.timedelta(days=3))
        # The household page: this month's decision, and the next one while it is scheduled.
        client.force_login(cases.caseworker)
        page = client.get(f"/households/{benefit.household_id}/").content.decode()
        cell = page.split('data-testid="amount-this-month">')[1].split("<")[0]
        assert cell == f"{amount}.00"
        next_cell = page.split('data-testid="next-decision">')[1].split("</td>")[0]
        assert ("1060" in next_cell) == (today == jan)
        # The API: this month's amount.
        assert _api_amounts(client, cases.caseworker, benefit.household) == [f"{amount}.00"]
        # The admin: list and the decision page.
        client.force_login(cases.bureau)
        listing = client.get("/admin/benefits/benefit/").content.decode()
        assert f'<td class="field-amount_this_month">{amount}.00</td>' in listing
        decide = client.get(f"/admin/benefits/benefit/{benefit.pk}/decide/").content.decode()
        assert f"{amount}.00" in decide


def test_a_repeated_recompute_decides_nothing_twice(cases, benefit_1350, django_capture_on_commit_callbacks):
    feb = month_after(benefit_1350.start_month)
    lower_to_1000(cases, benefit_1350, feb)
    standard = raise_standard(cases, "500", django_capture_on_commit_callbacks, year=feb.year)
    with django_capture_on_commit_callbacks(execute=True):
        again = services.standard_recompute_start(actor=cases.bureau, standard=standard)
    assert Job.objects.filter(kind="benefits.recompute").count() == 1
    assert again.status == Job.Status.SUCCEEDED
    counts, _problems = services.benefits_recompute_for_standard(actor=cases.bureau, standard=standard)
    assert counts["changed"] == 0
    recomputed = BenefitChange.objects.filter(benefit=benefit_1350, kind="recompute")
    assert recomputed.count() == 2
    assert WrittenNotice.objects.filter(benefit_change__in=recomputed).count() == 1


def test_a_new_years_standard_applies_from_its_january(cases, benefit_1350, django_capture_on_commit_callbacks):
    next_year = timezone.localdate().year + 1
    standard = Standard(programme="dibao", year=next_year, monthly_standard=Decimal("500"))
    with django_capture_on_commit_callbacks(execute=True):
        services.standard_save(actor=cases.bureau, standard=standard)
    assert Job.objects.get(kind="benefits.recompute").status == Job.Status.SUCCEEDED
    benefit = fresh(benefit_1350)
    january = datetime.date(next_year, 1, 1)
    assert benefit.decision_in(january).new_amount == Decimal("1410")
    if benefit.start_month < january:
        assert benefit.decision_in(benefit.start_month).new_amount == Decimal("1350")


def test_saving_a_standard_unchanged_is_a_no_op(cases):
    standard = services.standard_for("dibao", timezone.localdate().year)
    version = standard.version
    services.standard_save(actor=cases.bureau, standard=standard)
    standard.refresh_from_db()
    assert standard.version == version
    assert not Job.objects.filter(kind="benefits.recompute").exists()


def test_recompute_covers_single_person_coverage(cases, django_capture_on_commit_callbacks):
    # Per capita (1100 / 2) = 550: at least S and below 1.5 × S; the son is seriously ill.
    household = cases.household(wages=Decimal("1100"))
    son = household.members.get(relationship="son")
    son.serious_illness = True
    son.save(update_fields=["serious_illness"])
    application = services.application_create(
        actor=cases.caseworker, household=household, programme="dibao", reason="重病", single_member=son
    )
    application = cases.to(ApplicationStatus.APPROVED, application=application)
    benefit = application.benefit
    assert benefit.monthly_amount == Decimal("480")
    raise_standard(cases, "500", django_capture_on_commit_callbacks, year=benefit.start_month.year)
    assert fresh(benefit).monthly_amount == Decimal("500")


def test_recompute_covers_migrated_benefits(cases, household_sunwu, tmp_path, django_capture_on_commit_callbacks):
    from benefits.migration import roll_import
    from tests.benefits.test_migration import _row, roll_file

    path = roll_file(tmp_path / "roll.xlsx", [_row(household_sunwu, amount="660", covered=2)])
    assert roll_import(actor=cases.bureau, source=path, programme="dibao", source_name="roll.xlsx").ok
    benefit = Benefit.objects.get(household=household_sunwu)
    raise_standard(cases, "500", django_capture_on_commit_callbacks, year=timezone.localdate().year)
    benefit = fresh(benefit)
    # A legacy amount gets the change of S: 660 + (500 − 480) × 2 = 700, from the current month.
    assert benefit.decision_in(timezone.localdate()).new_amount == Decimal("700")
    assert benefit.decision_in(benefit.start_month).new_amount == Decimal("660")  # past months stay
    assert "(500 − 480) × 2" in benefit.amount_explanation


# Item 4: every number of a standard has a range; a failing job ends failed -------------------------


def test_a_negative_standard_is_a_field_error_and_nothing_is_saved(cases):
    standard = services.standard_for("dibao", timezone.localdate().year)
    version = standard.version
    standard.monthly_standard = Decimal("-5")
    with pytest.raises(InvalidInput) as exc:
        services.standard_save(actor=cases.bureau, standard=standard)
    assert "monthly_standard" in exc.value.field_errors
    standard.refresh_from_db()
    assert standard.monthly_standard == Decimal("480")
    assert standard.version == version
    assert not Job.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("addon_minor", "1.5"), ("medical_ratio_dibao", "1.2"), ("notice_days", "0"), ("care_semi_disabled", "-1")],
)
def test_each_policy_number_has_a_range_in_the_admin(client, bureau_reviewer, field, value):
    standard = services.standard_for("dibao", timezone.localdate().year)
    client.force_login(bureau_reviewer)
    url = f"/admin/benefits/standard/{standard.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {name: form.initial.get(name) for name in form.fields}
    data = {k: ("on" if v is True else v) for k, v in data.items() if v is not None and v is not False}
    data[field] = value
    response = client.post(url, data)
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    standard.refresh_from_db()
    assert standard.version == 1
    assert str(getattr(standard, field)) != value


def test_a_recompute_that_breaks_ends_failed_with_its_reason(cases, benefit_1350, monkeypatch):
    from benefits import decisions
    from benefits.tasks import recompute_for_standard

    def broken(**kwargs):
        raise ValueError("the standard must be positive")

    monkeypatch.setattr(decisions, "benefits_recompute_for_standard", broken)
    monkeypatch.setattr(services, "benefits_recompute_for_standard", broken)
    standard = services.standard_for("dibao", timezone.localdate().year)
    job = Job.objects.create(kind="benefits.recompute", params={"standard_id": standard.pk, "version": 1})
    recompute_for_standard(job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert "the standard must be positive" in job.errors[0]["message"]


# Issue 8 item 13: a double objection is recorded once ------------------------------------------------


def test_a_double_submitted_objection_is_recorded_once(cases):
    application = cases.to(ApplicationStatus.PUBLIC_NOTICE)
    notice = application.notices.get(superseded=False)
    for _ in range(2):
        services.objection_record(
            actor=cases.caseworker,
            notice=notice,
            raised_by="村民李某",
            content="家中有车",
            raised_on=timezone.localdate(),
        )
    assert notice.objections.count() == 1


def test_the_admin_change_page_refuses_a_backdated_or_unbounded_change_and_decides_a_valid_one(
    client, cases, benefit_1350
):
    client.force_login(cases.bureau)
    url = f"/admin/benefits/benefit/{benefit_1350.pk}/decide/"
    last_month = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    base = {"kind": "lower", "reason_code": "other", "reason": "人工调整", "manual_reason": "other"}
    for data, field in (
        ({"effective_month": last_month.isoformat(), "new_amount": "1000"}, "effective_month"),
        ({"effective_month": benefit_1350.start_month.isoformat(), "new_amount": "99999"}, "new_amount"),
    ):
        response = client.post(url, {**base, **data})
        assert response.status_code == 200
        assert field in response.context["form"].errors
    assert not BenefitChange.objects.filter(benefit=benefit_1350).exclude(kind="grant").exists()
    response = client.post(url, {**base, "effective_month": benefit_1350.start_month.isoformat(), "new_amount": "1000"})
    assert response.status_code == 302
    decision = BenefitChange.objects.get(benefit=benefit_1350, kind="lower")
    assert decision.new_amount == Decimal("1000")
    assert decision.actor == cases.bureau
