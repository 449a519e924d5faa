"""Monthly payment batches: from the roll, maker–checker, frozen, arrears, the bank's results."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from benefits import services
from benefits.models import ApplicationStatus, BatchStatus, ItemKind, ItemResult, PaymentItem, Standard
from benefits.payments import services as payments
from benefits.payments.bankfile import HEADERS
from benefits.payments.rules import month_key
from benefits.payments.selectors import batch_check, item_cells, owed_in_month
from benefits.roll import roll_cells, roll_rows
from benefits.rules import add_months
from sunwu_relief.errors import InvalidInput, NotAllowed, OutOfScope, WorkflowError
from tests.benefits.payment_builders import amount, bank_file_rows, export, give_payee, result_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_benefits(cases, caseworker_sunwu):
    first = cases.to(ApplicationStatus.APPROVED).benefit
    second = cases.to(ApplicationStatus.APPROVED, wages=Decimal("500")).benefit
    for benefit in (first, second):
        give_payee(benefit, actor=caseworker_sunwu)
    return first, second


def _approved(month, *, maker, checker, programme="dibao"):
    batch, _ = payments.payment_batch_prepare(actor=maker, programme=programme, month=month)
    return payments.payment_batch_approve(actor=checker, batch=batch)


def test_a_batch_equals_the_roll_of_its_month_cell_by_cell(two_benefits, bureau_reviewer):
    month = two_benefits[0].start_month
    batch, created = payments.payment_batch_prepare(actor=bureau_reviewer, programme="dibao", month=month)
    assert created
    regular = list(batch.items.filter(kind=ItemKind.REGULAR).order_by("seq"))
    rows = roll_rows(programme="dibao", month=month)
    assert len(rows) == 2
    assert [item_cells(i) for i in regular] == [roll_cells(r) for r in rows]
    assert batch_check(batch) == []
    assert all(i.months == {month_key(month): str(i.amount)} for i in regular)
    # Prepared again: the same batch, nothing new.
    again, created = payments.payment_batch_prepare(actor=bureau_reviewer, programme="dibao", month=month)
    assert (again.pk, created) == (batch.pk, False)
    assert again.items.count() == 2


def test_the_preparer_cannot_approve(two_benefits, bureau_reviewer, bureau_reviewer2):
    batch, _ = payments.payment_batch_prepare(
        actor=bureau_reviewer, programme="dibao", month=two_benefits[0].start_month
    )
    with pytest.raises(WorkflowError) as exc:
        payments.payment_batch_approve(actor=bureau_reviewer, batch=batch)
    assert "payments.preparer_cannot_approve" in exc.value.codes
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DRAFT
    approved = payments.payment_batch_approve(actor=bureau_reviewer2, batch=batch)
    assert approved.status == BatchStatus.APPROVED
    assert approved.approved_by == bureau_reviewer2
    assert payments.payment_batch_approve(actor=bureau_reviewer2, batch=batch).status == BatchStatus.APPROVED


def test_township_staff_and_auditors_cannot_prepare(two_benefits, caseworker_sunwu, auditor):
    month = two_benefits[0].start_month
    with pytest.raises(OutOfScope):
        payments.payment_batch_prepare(actor=caseworker_sunwu, programme="dibao", month=month)
    with pytest.raises(NotAllowed):
        payments.payment_batch_prepare(actor=auditor, programme="dibao", month=month)


def test_approve_command_exits_1_for_the_preparer(two_benefits, bureau_reviewer, bureau_reviewer2):
    month = month_key(two_benefits[0].start_month)
    call_command("prepare_payments", programme="dibao", month=month, user=bureau_reviewer.username)
    with pytest.raises(CommandError, match="payments.preparer_cannot_approve"):
        call_command("approve_payments", programme="dibao", month=month, user=bureau_reviewer.username)
    call_command("approve_payments", programme="dibao", month=month, user=bureau_reviewer2.username)


def test_a_decision_after_approval_changes_the_next_batch_not_the_approved_one(
    two_benefits, bureau_reviewer, bureau_reviewer2
):
    first, _second = two_benefits
    month = first.start_month
    approved = _approved(month, maker=bureau_reviewer, checker=bureau_reviewer2)
    before = {i.pk: (i.amount, i.months) for i in approved.items.all()}
    old = first.monthly_amount
    services.benefit_change(
        actor=bureau_reviewer,
        benefit=first,
        kind="raise",
        effective_month=add_months(month, 1),
        reason_code="circumstances_changed",
        reason="家庭收入减少",
        new_amount=old + 80,
        manual_reason="special_hardship",
    )
    assert {i.pk: (i.amount, i.months) for i in approved.items.all()} == before
    later, _ = payments.payment_batch_prepare(actor=bureau_reviewer, programme="dibao", month=add_months(month, 1))
    item = later.items.get(benefit=first, kind=ItemKind.REGULAR)
    assert item.amount == old + 80
    assert item.decision is not None
    assert item.decision.new_amount == old + 80
    assert item.explanation == item.decision.explanation
    assert not later.items.exclude(kind=ItemKind.REGULAR).exists()


def test_a_standard_raised_from_an_earlier_month_produces_the_arrears_exactly(
    two_benefits, bureau_reviewer, bureau_reviewer2
):
    first, second = two_benefits
    month = first.start_month
    paid = {}
    for m in (month, add_months(month, 1)):
        batch = _approved(m, maker=bureau_reviewer, checker=bureau_reviewer2)
        for item in batch.items.all():
            paid[(item.benefit_id, month_key(m))] = item.amount
    standard = Standard.objects.get(pk=first.standard_snapshot["standard_id"])
    standard.monthly_standard += 50
    services.standard_save(actor=bureau_reviewer, standard=standard)
    services.benefits_recompute_for_standard(actor=bureau_reviewer, standard=standard)  # what the queued job runs
    # The re-stated amounts take effect from the first month already paid.
    for benefit in (first, second):
        benefit.refresh_from_db()
        assert owed_in_month(benefit, month) > paid[(benefit.pk, month_key(month))]
    third = add_months(month, 2)
    batch, _ = payments.payment_batch_prepare(actor=bureau_reviewer, programme="dibao", month=third)
    arrears = {i.benefit_id: i for i in batch.items.filter(kind=ItemKind.ARREARS)}
    assert set(arrears) == {first.pk, second.pk}
    for benefit in (first, second):
        expected = {
            month_key(m): owed_in_month(benefit, m) - paid[(benefit.pk, month_key(m))]
            for m in (month, add_months(month, 1))
        }
        item = arrears[benefit.pk]
        assert {m: Decimal(a) for m, a in item.months.items()} == expected
        assert item.amount == sum(expected.values())
        assert item.reason
    assert not batch.items.filter(kind=ItemKind.RECOVERY).exists()


def test_a_lowered_paid_month_is_recovered_as_a_negative_item(two_benefits, bureau_reviewer, bureau_reviewer2):
    first, _second = two_benefits
    month = first.start_month
    paid = _approved(month, maker=bureau_reviewer, checker=bureau_reviewer2).items.get(benefit=first).amount
    services.benefit_change(
        actor=bureau_reviewer,
        benefit=first,
        kind="lower",
        effective_month=month,
        reason_code="circumstances_changed",
        reason="核实收入增加",
        new_amount=paid - 30,
        manual_reason="special_hardship",
    )
    batch, _ = payments.payment_batch_prepare(actor=bureau_reviewer, programme="dibao", month=add_months(month, 1))
    recovery = batch.items.get(kind=ItemKind.RECOVERY)
    assert recovery.amount == Decimal("-30")
    assert recovery.months == {month_key(month): "-30.00"}
    assert recovery.reason


def test_only_one_draft_at_a_time(two_benefits, bureau_reviewer):
    month = two_benefits[0].start_month
    payments.payment_batch_prepare(actor=bureau_reviewer, programme="dibao", month=month)
    with pytest.raises(WorkflowError) as exc:
        payments.payment_batch_prepare(actor=bureau_reviewer, programme="dibao", month=add_months(month, 1))
    assert "payments.draft_open" in exc.value.codes


def test_export_writes_identifiers_as_text_and_a_totals_row(two_benefits, bureau_reviewer, bureau_reviewer2, tmp_path):
    import openpyxl

    month = two_benefits[0].start_month
    batch = _approved(month, maker=bureau_reviewer, checker=bureau_reviewer2)
    out = tmp_path / "bank.xlsx"
    call_command("export_bank_file", programme="dibao", month=month_key(month), output=str(out))
    sheet = openpyxl.load_workbook(out).active
    rows = list(sheet.iter_rows())
    assert [c.value for c in rows[0]] == HEADERS
    data = rows[1]
    item = batch.items.get(seq=1)
    assert data[5].value == item.payee_id_number
    assert data[5].data_type == "s"
    assert data[7].value == item.account_number
    assert data[7].data_type == "s"
    assert amount(data[8].value) == item.amount
    assert [data[9].value, data[10].value, data[11].value] == ["低保金", month_key(month), "正常"]
    assert rows[-1][0].value == "合计"
    assert amount(rows[-1][8].value) == sum(i.amount for i in batch.items.all())
    assert not any(c.data_type == "f" for row in rows for c in row)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.EXPORTED


def test_export_of_a_draft_exits_1(two_benefits, bureau_reviewer, tmp_path):
    month = two_benefits[0].start_month
    payments.payment_batch_prepare(actor=bureau_reviewer, programme="dibao", month=month)
    with pytest.raises(CommandError, match="payments.not_approved"):
        call_command("export_bank_file", programme="dibao", month=month_key(month), output=str(tmp_path / "b.xlsx"))


def test_results_settle_the_batch_and_the_same_file_twice_is_a_no_op(
    two_benefits, bureau_reviewer, bureau_reviewer2, tmp_path
):
    batch = _approved(two_benefits[0].start_month, maker=bureau_reviewer, checker=bureau_reviewer2)
    data = result_file(export(batch), {2: ("失败", "账户已销户")})
    path = tmp_path / "result.xlsx"
    path.write_bytes(data)
    call_command("import_bank_results", str(path))
    batch.refresh_from_db()
    assert batch.status == BatchStatus.SETTLED
    assert batch.items.get(seq=1).result == ItemResult.PAID
    failed = batch.items.get(seq=2)
    assert (failed.result, failed.failure_reason) == (ItemResult.FAILED, "账户已销户")
    state = list(PaymentItem.objects.values_list("pk", "result", "result_at", "result_import"))
    record, created = payments.bank_results_import(actor=None, source=data, filename="again.xlsx")
    assert not created
    assert list(PaymentItem.objects.values_list("pk", "result", "result_at", "result_import")) == state


def test_a_result_file_with_one_bad_row_writes_nothing(two_benefits, bureau_reviewer, bureau_reviewer2, tmp_path):
    batch = _approved(two_benefits[0].start_month, maker=bureau_reviewer, checker=bureau_reviewer2)
    exported = export(batch)

    def wrong_amount(row):
        if row[0] == 2:
            row[8] = float(row[8]) + 1
        return row

    data = result_file(exported, edit=wrong_amount)
    with pytest.raises(InvalidInput) as exc:
        payments.bank_results_import(actor=None, source=data)
    assert exc.value.codes == ["payments.amount_mismatch"]
    assert [(e.row, e.column) for e in exc.value.errors] == [(3, "金额(元)")]
    assert not PaymentItem.objects.exclude(result="").exists()
    path = tmp_path / "bad.xlsx"
    path.write_bytes(data)
    with pytest.raises(CommandError):
        call_command("import_bank_results", str(path))
    assert not PaymentItem.objects.exclude(result="").exists()


def test_every_row_error_is_reported(two_benefits, bureau_reviewer, bureau_reviewer2):
    batch = _approved(two_benefits[0].start_month, maker=bureau_reviewer, checker=bureau_reviewer2)
    exported = export(batch)
    rows = bank_file_rows(exported)

    def edit(row):
        if row[0] == 1:
            row[13] = "已到账"
        return row

    data = result_file(exported, {2: ("失败", "")}, edit=edit)
    # A result given twice, and an item that does not exist.
    import io

    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(data))
    sheet = workbook.active
    sheet.append([*rows[1], "成功", ""])
    sheet.append([99, *rows[1][1:], "成功", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(InvalidInput) as exc:
        payments.bank_results_import(actor=None, source=buffer.getvalue())
    assert sorted(e.code for e in exc.value.errors) == sorted(
        ["payments.bad_result", "payments.reason_missing", "payments.result_twice", "payments.unknown_item"]
    )
    assert not PaymentItem.objects.exclude(result="").exists()


def test_a_failed_item_appears_in_the_next_batch_once_the_account_is_fixed(
    two_benefits, bureau_reviewer, bureau_reviewer2, caseworker_sunwu
):
    first, second = two_benefits
    month = first.start_month
    batch = _approved(month, maker=bureau_reviewer, checker=bureau_reviewer2)
    failed_seq = batch.items.get(benefit=second).seq
    payments.bank_results_import(actor=None, source=result_file(export(batch), {failed_seq: ("失败", "户名不符")}))
    owed = batch.items.get(benefit=second).amount
    # Not fixed yet: held, only this month's regular payment.
    nxt = add_months(month, 1)
    draft, _ = payments.payment_batch_prepare(actor=bureau_reviewer, programme="dibao", month=nxt)
    assert not draft.items.exclude(kind=ItemKind.REGULAR).exists()
    payments.payment_batch_discard(actor=bureau_reviewer, batch=draft)
    # The township fixes the account: the failed month goes into the next batch.
    from tests.benefits.payment_builders import card_number

    give_payee(second, actor=caseworker_sunwu, number=card_number("6228480999"), reason="户名不符，更换为本人新卡")
    draft, _ = payments.payment_batch_prepare(actor=bureau_reviewer, programme="dibao", month=nxt)
    arrears = draft.items.get(kind=ItemKind.ARREARS)
    assert arrears.benefit == second
    assert arrears.amount == owed
    assert arrears.months == {month_key(month): str(owed)}
    assert arrears.account_number == card_number("6228480999")
    assert draft.items.filter(kind=ItemKind.REGULAR).count() == 2


def test_prepare_command_prints_totals_per_township(two_benefits, bureau_reviewer, capsys):
    month = month_key(two_benefits[0].start_month)
    call_command("prepare_payments", programme="dibao", month=month, user=bureau_reviewer.username)
    out = capsys.readouterr().out
    total = sum(b.monthly_amount for b in two_benefits)
    assert "孙吴镇: 2 households, 4 persons" in out
    assert f"total: 2 households, 4 persons, {total}" in out
    call_command("prepare_payments", programme="dibao", month=month, user=bureau_reviewer.username)
    assert "exists" in capsys.readouterr().out


def test_a_month_before_any_benefit_gives_an_empty_batch(two_benefits, bureau_reviewer):
    before = (two_benefits[0].start_month - datetime.timedelta(days=1)).replace(day=1)
    batch, _ = payments.payment_batch_prepare(actor=bureau_reviewer, programme="dibao", month=before)
    assert batch.items.count() == 0


def test_preparing_reads_a_fixed_number_of_queries_whatever_the_households(cases, caseworker_sunwu, bureau_reviewer):
    """The regular items are read as plain rows and written in one statement: the queries of a
    preparation do not grow with the households; each item rests on the decision in force and
    carries the payee as registered."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from benefits.payments.selectors import decision_in_force

    def prepare(count: int) -> tuple[int, object]:
        for _ in range(count):
            give_payee(cases.to(ApplicationStatus.APPROVED).benefit, actor=caseworker_sunwu)
        month = cases_month()
        with CaptureQueriesContext(connection) as queries:
            batch, created = payments.payment_batch_prepare(actor=bureau_reviewer, programme="dibao", month=month)
        assert created
        return len(queries), batch

    def cases_month():
        from benefits.models import Benefit

        return max(Benefit.objects.values_list("start_month", flat=True))

    few, batch = prepare(2)
    assert batch.item_count == 2
    payments.payment_batch_discard(actor=bureau_reviewer, batch=batch)
    many, batch = prepare(3)
    assert batch.item_count == 5
    assert many == few
    for item in batch.items.select_related("benefit__payee__bank"):
        decision = decision_in_force(item.benefit, batch.month)
        assert item.decision_id == decision.pk
        assert item.explanation == decision.explanation
        assert item.amount == decision.new_amount
        payee = item.benefit.payee
        assert (item.payee_name, item.payee_id_number, item.bank_name, item.account_number) == (
            payee.name,
            payee.id_number,
            payee.bank.name,
            payee.account_number,
        )
