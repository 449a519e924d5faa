import datetime
from decimal import Decimal

import pytest

from assessments import services
from assessments.models import Assessment, DepartmentRecord, Discrepancy, HouseholdVisit, Source
from assessments.selectors import assessments_for, signed_visit
from sunwu_relief.errors import NotAllowed, OutOfScope, WorkflowError
from sunwu_relief.models import AuditEvent, Job
from tests.assessments.conftest import VEHICLE_HEADERS, members_of, scan

pytestmark = pytest.mark.django_db


def test_undeclared_vehicle_in_vehicle_data_is_a_discrepancy(assessment_sunwu, caseworker_sunwu, import_file):
    head, son = members_of(assessment_sunwu.household)
    import_file(
        Source.VEHICLE, VEHICLE_HEADERS, [[son.id_number, son.name, "黑N12345", "小型轿车", "2024-05-01", "正常"]]
    )

    found = services.cross_check(actor=caseworker_sunwu, assessment=assessment_sunwu)

    assert [(d.source, d.code, d.severity, d.member_id) for d in found] == [
        ("vehicle", "undeclared_vehicle", "high", son.pk)
    ]
    assert "黑N12345" in found[0].message
    assert found[0].record.key == "黑N12345"


def test_declared_vehicle_is_not_a_discrepancy(assessment_sunwu, caseworker_sunwu, import_file):
    head, son = members_of(assessment_sunwu.household)
    import_file(Source.VEHICLE, VEHICLE_HEADERS, [[son.id_number, son.name, "黑N12345", "小型轿车", None, None]])
    services.asset_add(actor=caseworker_sunwu, assessment=assessment_sunwu, member=son, kind="vehicle")

    assert services.cross_check(actor=caseworker_sunwu, assessment=assessment_sunwu) == []


def test_salary_business_and_other_household_are_discrepancies(assessment_sunwu, caseworker_sunwu, import_file):
    head, son = members_of(assessment_sunwu.household)
    services.income_add(
        actor=caseworker_sunwu, assessment=assessment_sunwu, member=son, kind="wages", monthly_amount=Decimal("1500")
    )
    import_file(
        Source.EMPLOYMENT,
        ["身份证号", "姓名", "单位名称", "月缴费工资"],
        [[son.id_number, son.name, "孙吴县建筑公司", 3200]],
    )
    import_file(
        Source.BUSINESS,
        ["身份证号", "姓名", "市场主体名称", "统一社会信用代码", "登记状态"],
        [[head.id_number, head.name, "孙吴县大山小卖部", "92231124MA1234567X", "存续"]],
    )
    import_file(Source.HUKOU, ["身份证号", "姓名", "户号"], [[son.id_number, son.name, "999999999"]])

    found = {d.code for d in services.cross_check(actor=caseworker_sunwu, assessment=assessment_sunwu)}

    assert found == {"wage_above_declared", "undeclared_business", "other_household"}


def test_cross_check_replaces_previous_findings(assessment_sunwu, caseworker_sunwu, import_file):
    head, son = members_of(assessment_sunwu.household)
    import_file(Source.VEHICLE, VEHICLE_HEADERS, [[son.id_number, son.name, "黑N12345", "小型轿车", None, None]])
    services.cross_check(actor=caseworker_sunwu, assessment=assessment_sunwu)
    services.cross_check(actor=caseworker_sunwu, assessment=assessment_sunwu)
    assert Discrepancy.objects.filter(assessment=assessment_sunwu).count() == 1


def test_visit_with_one_investigator_cannot_be_signed(assessment_sunwu, caseworker_sunwu):
    visit = services.visit_create(
        actor=caseworker_sunwu,
        assessment=assessment_sunwu,
        data=services.VisitData(
            visit_date=datetime.date(2026, 11, 1), household_confirmed=True, household_signatory="王大山"
        ),
        investigators=[caseworker_sunwu],
    )
    with pytest.raises(WorkflowError, match="two investigators"):
        services.visit_sign(actor=caseworker_sunwu, visit=visit)
    visit.refresh_from_db()
    assert visit.signed_at is None
    assert signed_visit(assessment_sunwu) is None


def test_visit_without_household_confirmation_cannot_be_signed(assessment_sunwu, caseworker_sunwu, caseworker2_sunwu):
    visit = services.visit_create(
        actor=caseworker_sunwu,
        assessment=assessment_sunwu,
        data=services.VisitData(visit_date=datetime.date(2026, 11, 1)),
        investigators=[caseworker_sunwu, caseworker2_sunwu],
    )
    with pytest.raises(WorkflowError):
        services.visit_sign(actor=caseworker_sunwu, visit=visit)


def test_only_an_investigator_signs(assessment_sunwu, caseworker_sunwu, caseworker2_sunwu, reviewer_sunwu):
    visit = services.visit_create(
        actor=caseworker_sunwu,
        assessment=assessment_sunwu,
        data=services.VisitData(
            visit_date=datetime.date(2026, 11, 1), household_confirmed=True, household_signatory="王"
        ),
        investigators=[caseworker2_sunwu, reviewer_sunwu],
    )
    with pytest.raises(NotAllowed):
        services.visit_sign(actor=caseworker_sunwu, visit=visit)


def test_investigator_of_another_township_is_refused(assessment_sunwu, caseworker_sunwu, caseworker_chenqing):
    with pytest.raises(services.InvalidInput):
        services.visit_create(
            actor=caseworker_sunwu,
            assessment=assessment_sunwu,
            data=services.VisitData(visit_date=datetime.date(2026, 11, 1)),
            investigators=[caseworker_sunwu, caseworker_chenqing],
        )


def test_signed_visit_cannot_be_edited_and_a_correction_points_to_it(
    assessment_sunwu, caseworker_sunwu, caseworker2_sunwu, signed_visit_for
):
    visit = signed_visit_for(assessment_sunwu)
    assert signed_visit(assessment_sunwu) == visit
    with pytest.raises(WorkflowError):
        services.visit_update(
            actor=caseworker_sunwu,
            visit=visit,
            data=services.VisitData(visit_date=datetime.date(2026, 11, 2), remarks="改"),
            investigators=[caseworker_sunwu, caseworker2_sunwu],
        )
    with pytest.raises(WorkflowError):
        services.visit_attach(actor=caseworker_sunwu, visit=visit, file=scan())
    visit.refresh_from_db()
    assert visit.remarks == ""

    correction = services.visit_correct(actor=caseworker_sunwu, visit=visit)
    assert correction.supersedes == visit
    assert correction.signed_at is None
    assert set(correction.investigators.all()) == {caseworker_sunwu, caseworker2_sunwu}
    services.visit_update(
        actor=caseworker_sunwu,
        visit=correction,
        data=services.VisitData(
            visit_date=datetime.date(2026, 11, 21),
            remarks="更正",
            household_confirmed=True,
            household_signatory="王大山",
        ),
        investigators=[caseworker_sunwu, caseworker2_sunwu],
    )
    services.visit_sign(actor=caseworker2_sunwu, visit=correction)
    services.visit_sign(actor=caseworker_sunwu, visit=correction)
    assert signed_visit(assessment_sunwu) == correction
    assert HouseholdVisit.objects.filter(assessment=assessment_sunwu).count() == 2


def test_finish_needs_a_signed_visit_and_an_authorisation(assessment_sunwu, caseworker_sunwu, signed_visit_for):
    with pytest.raises(WorkflowError, match="two investigators"):
        services.assessment_finish(actor=caseworker_sunwu, assessment=assessment_sunwu)
    signed_visit_for(assessment_sunwu)
    with pytest.raises(WorkflowError, match="authorisation"):
        services.assessment_finish(actor=caseworker_sunwu, assessment=assessment_sunwu)
    services.authorisation_record(
        actor=caseworker_sunwu,
        assessment=assessment_sunwu,
        signed_on=datetime.date(2026, 11, 1),
        signatory="王大山",
        scan=scan(),
    )
    finished = services.assessment_finish(actor=caseworker_sunwu, assessment=assessment_sunwu)
    assert finished.status == Assessment.Status.FINISHED
    assert finished.finished_by == caseworker_sunwu
    assert finished.members_count == 2


def _finish(assessment, actor, signed_visit_for):
    signed_visit_for(assessment)
    services.authorisation_record(
        actor=actor, assessment=assessment, signed_on=datetime.date(2026, 11, 1), signatory="王大山", scan=scan()
    )
    return services.assessment_finish(actor=actor, assessment=assessment)


def test_excluded_income_is_listed_but_not_counted(assessment_sunwu, caseworker_sunwu, signed_visit_for):
    head, son = members_of(assessment_sunwu.household)
    add = services.income_add
    add(actor=caseworker_sunwu, assessment=assessment_sunwu, member=head, kind="farming", monthly_amount=Decimal("300"))
    add(
        actor=caseworker_sunwu,
        assessment=assessment_sunwu,
        member=head,
        kind="special_care",
        monthly_amount=Decimal("800"),
    )
    add(
        actor=caseworker_sunwu,
        assessment=assessment_sunwu,
        member=son,
        kind="scholarship",
        monthly_amount=Decimal("100"),
    )
    add(actor=caseworker_sunwu, assessment=assessment_sunwu, member=son, kind="support", monthly_amount=Decimal("101"))

    result = _finish(assessment_sunwu, caseworker_sunwu, signed_visit_for)

    assert result.monthly_income == Decimal("401.00")
    assert result.per_capita_income == Decimal("200.50")
    assert "优待抚恤金 800" in result.explanation
    assert "401 元 ÷ 2 人 = 人均月收入 200.5 元" in result.explanation
    assert result.assets_within_limits is True
    assert result.policy_numbers["year"] == 2026


def test_undeclared_car_puts_assets_beyond_limits(assessment_sunwu, caseworker_sunwu, signed_visit_for, import_file):
    head, son = members_of(assessment_sunwu.household)
    import_file(Source.VEHICLE, VEHICLE_HEADERS, [[son.id_number, son.name, "黑N12345", "小型轿车", None, None]])
    result = _finish(assessment_sunwu, caseworker_sunwu, signed_visit_for)
    assert result.assets_within_limits is False
    assert any("机动车 1 辆" in reason for reason in result.asset_reasons)
    assert result.discrepancies.filter(code="undeclared_vehicle").exists()


def test_finished_assessment_is_frozen(assessment_sunwu, caseworker_sunwu, signed_visit_for):
    head, son = members_of(assessment_sunwu.household)
    _finish(assessment_sunwu, caseworker_sunwu, signed_visit_for)
    with pytest.raises(WorkflowError):
        services.income_add(
            actor=caseworker_sunwu, assessment=assessment_sunwu, member=head, kind="wages", monthly_amount=Decimal("1")
        )
    with pytest.raises(WorkflowError):
        services.cross_check(actor=caseworker_sunwu, assessment=assessment_sunwu)
    again = services.assessment_finish(actor=caseworker_sunwu, assessment=assessment_sunwu)
    assert again.finished_at == Assessment.objects.get(pk=assessment_sunwu.pk).finished_at


def test_new_assessment_copies_declarations_of_the_last_finished(assessment_sunwu, caseworker_sunwu, signed_visit_for):
    head, son = members_of(assessment_sunwu.household)
    services.income_add(
        actor=caseworker_sunwu, assessment=assessment_sunwu, member=head, kind="farming", monthly_amount=Decimal("300")
    )
    _finish(assessment_sunwu, caseworker_sunwu, signed_visit_for)
    second = services.assessment_start(actor=caseworker_sunwu, household=assessment_sunwu.household)
    assert second.pk != assessment_sunwu.pk
    assert [(i.member_id, i.kind, i.monthly_amount) for i in second.incomes.all()] == [
        (head.pk, "farming", Decimal("300.00"))
    ]
    assert services.assessment_start(actor=caseworker_sunwu, household=assessment_sunwu.household) == second


def test_caseworker_of_other_township_cannot_write_or_see(assessment_sunwu, caseworker_chenqing):
    head = members_of(assessment_sunwu.household)[0]
    with pytest.raises(OutOfScope):
        services.income_add(
            actor=caseworker_chenqing,
            assessment=assessment_sunwu,
            member=head,
            kind="wages",
            monthly_amount=Decimal("1"),
        )
    with pytest.raises(OutOfScope):
        services.assessment_start(actor=caseworker_chenqing, household=assessment_sunwu.household)
    assert not assessments_for(caseworker_chenqing).exists()


def test_reviewer_sees_but_cannot_write(assessment_sunwu, reviewer_sunwu):
    assert assessments_for(reviewer_sunwu).filter(pk=assessment_sunwu.pk).exists()
    with pytest.raises(NotAllowed):
        services.cross_check(actor=reviewer_sunwu, assessment=assessment_sunwu)


def test_township_cross_check_runs_as_a_job(
    assessment_sunwu, caseworker_sunwu, township_sunwu, import_file, django_capture_on_commit_callbacks
):
    head, son = members_of(assessment_sunwu.household)
    import_file(Source.VEHICLE, VEHICLE_HEADERS, [[son.id_number, son.name, "黑N12345", "小型轿车", None, None]])
    with django_capture_on_commit_callbacks(execute=True):
        job = services.cross_check_township_start(actor=caseworker_sunwu, township=township_sunwu)
    job = Job.objects.get(pk=job.pk)
    assert job.status == Job.Status.SUCCEEDED
    assert job.counts == {"assessments": 1, "discrepancies": 1}
    assert job.rows_done == job.rows_total == 1
    assert AuditEvent.objects.filter(action="assessment.cross_check", object_id=str(assessment_sunwu.pk)).exists()


def test_township_cross_check_of_other_township_is_refused(caseworker_sunwu, township_chenqing):
    with pytest.raises(OutOfScope):
        services.cross_check_township_start(actor=caseworker_sunwu, township=township_chenqing)


def test_labour_assessment_updates_member_and_classification(household_sunwu, caseworker_sunwu):
    head, son = members_of(household_sunwu)
    services.labour_assessment_record(
        actor=caseworker_sunwu, member=son, result="lost", assessed_on=datetime.date(2026, 9, 1)
    )
    son.refresh_from_db()
    household_sunwu.refresh_from_db()
    assert son.labour_capacity == "lost"
    assert household_sunwu.classification == "general"  # the head (born 1980) can work
    services.labour_assessment_record(
        actor=caseworker_sunwu, member=head, result="none", assessed_on=datetime.date(2026, 9, 1)
    )
    household_sunwu.refresh_from_db()
    assert household_sunwu.classification == "long_term"
    assert "无劳动力" in household_sunwu.classification_reason
    assert household_sunwu.history.first().classification == "long_term"


def test_upload_with_wrong_content_is_refused(assessment_sunwu, caseworker_sunwu):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("scan.pdf", b"<html>not a pdf</html>")
    with pytest.raises(services.InvalidInput):
        services.authorisation_record(
            actor=caseworker_sunwu,
            assessment=assessment_sunwu,
            signed_on=datetime.date(2026, 11, 1),
            signatory="王",
            scan=fake,
        )


def test_records_are_matched_only_by_id_number(assessment_sunwu, caseworker_sunwu, import_file):
    from tests.conftest import new_id_number

    import_file(Source.VEHICLE, VEHICLE_HEADERS, [[new_id_number(), "王小明", "黑N00001", "小型轿车", None, None]])
    assert DepartmentRecord.objects.count() == 1
    assert services.cross_check(actor=caseworker_sunwu, assessment=assessment_sunwu) == []
