"""The month-end close: a batch's total equals the sum of its items and the roll of its month;
checked after every bank-result import and nightly; every difference listed with its items."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse

from benefits import services
from benefits.models import ApplicationStatus, ItemKind, PaymentBatch, PaymentItem, Standard
from benefits.payments import services as payments
from benefits.payments.tasks import check_payment_close_nightly
from benefits.rules import add_months
from sunwu_relief.authz import system
from sunwu_relief.errors import NotAllowed, OutOfScope
from sunwu_relief.models import Job
from tests.benefits.payment_builders import export, give_payee, result_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_benefits(cases, caseworker_sunwu):
    first = cases.to(ApplicationStatus.APPROVED).benefit
    second = cases.to(ApplicationStatus.APPROVED, wages=Decimal("500")).benefit
    for benefit in (first, second):
        give_payee(benefit, actor=caseworker_sunwu)
    return first, second


def _approved(month, *, maker, checker):
    batch, _ = payments.payment_batch_prepare(actor=maker, programme="dibao", month=month)
    return payments.payment_batch_approve(actor=checker, batch=batch)


def _codes(job) -> list[str]:
    return sorted(d["code"] for d in job.errors)


def test_correct_batches_have_no_difference_and_the_nightly_run_records_it(
    two_benefits, bureau_reviewer, bureau_reviewer2
):
    month = two_benefits[0].start_month
    first = _approved(month, maker=bureau_reviewer, checker=bureau_reviewer2)
    payments.bank_results_import(actor=None, source=result_file(export(first), {2: ("失败", "账户冻结")}))
    _approved(add_months(month, 1), maker=bureau_reviewer, checker=bureau_reviewer2)
    assert check_payment_close_nightly() == 0
    job = Job.objects.filter(kind="payments.close_check").latest("created")
    assert (job.status, job.counts, job.errors) == ("succeeded", {"batches": 2, "differences": 0}, [])
    assert not PaymentBatch.objects.exclude(close_differences=[]).exists()
    assert PaymentBatch.objects.filter(close_checked_at__isnull=True).count() == 0


def test_a_planted_difference_is_found_with_its_item(two_benefits, bureau_reviewer, bureau_reviewer2):
    batch = _approved(two_benefits[0].start_month, maker=bureau_reviewer, checker=bureau_reviewer2)
    item = batch.items.get(benefit=two_benefits[1])
    PaymentItem.objects.filter(pk=item.pk).update(amount=item.amount + 1)  # written behind the services' back
    job = payments.payments_close_check(actor=system("test"))
    assert _codes(job) == ["payments.close.roll_mismatch", "payments.close.total_mismatch"]
    [roll] = [d for d in job.errors if d["code"] == "payments.close.roll_mismatch"]
    assert (roll["batch"], roll["items"], roll["household"]) == (batch.number, [item.seq], item.head_name)
    batch.refresh_from_db()
    assert len(batch.close_differences) == 2
    assert check_payment_close_nightly() == 2


def test_a_missing_item_and_an_extra_item_are_differences(two_benefits, bureau_reviewer, bureau_reviewer2):
    batch = _approved(two_benefits[0].start_month, maker=bureau_reviewer, checker=bureau_reviewer2)
    first = batch.items.get(benefit=two_benefits[0])
    PaymentItem.objects.filter(pk=first.pk).update(benefit=two_benefits[1], kind=ItemKind.ARREARS)
    job = payments.payments_close_check(actor=system("test"), batch_ids=[batch.pk])
    assert _codes(job) == ["payments.close.missing_item"]
    PaymentItem.objects.filter(pk=first.pk).update(benefit=two_benefits[0], kind=ItemKind.REGULAR)
    PaymentItem.objects.filter(batch=batch).exclude(pk=first.pk).update(benefit=two_benefits[0])
    job = payments.payments_close_check(actor=system("test"), batch_ids=[batch.pk])
    assert _codes(job) == ["payments.close.duplicate_item", "payments.close.missing_item"]
    assert [d["items"] for d in job.errors if d["code"] == "payments.close.duplicate_item"] == [[1, 2]]
    assert job.counts == {"batches": 1, "differences": len(job.errors)}


def test_a_standard_raised_after_approval_is_no_difference_while_the_next_batch_settles_it(
    two_benefits, bureau_reviewer, bureau_reviewer2
):
    first, _second = two_benefits
    month = first.start_month
    _approved(month, maker=bureau_reviewer, checker=bureau_reviewer2)
    standard = Standard.objects.get(pk=first.standard_snapshot["standard_id"])
    standard.monthly_standard += 50
    services.standard_save(actor=bureau_reviewer, standard=standard)
    services.benefits_recompute_for_standard(actor=bureau_reviewer, standard=standard)
    # The roll of the paid month changed; no later batch yet: the next one will pay the arrears.
    assert payments.payments_close_check(actor=system("test")).errors == []
    later = _approved(add_months(month, 1), maker=bureau_reviewer, checker=bureau_reviewer2)
    assert later.items.filter(kind=ItemKind.ARREARS).count() == 2
    assert payments.payments_close_check(actor=system("test")).errors == []
    # Had the later batch not carried them, the paid month would not be settled.
    later.items.filter(kind=ItemKind.ARREARS).update(kind=ItemKind.REGULAR)
    job = payments.payments_close_check(actor=system("test"))
    assert "payments.close.not_settled" in _codes(job)


def test_every_bank_result_import_runs_the_check_of_its_batches(
    two_benefits, bureau_reviewer, bureau_reviewer2, django_capture_on_commit_callbacks
):
    batch = _approved(two_benefits[0].start_month, maker=bureau_reviewer, checker=bureau_reviewer2)
    data = export(batch)
    item = batch.items.get(seq=1)
    PaymentItem.objects.filter(pk=item.pk).update(note="改动")
    with django_capture_on_commit_callbacks(execute=True):
        payments.bank_results_import(actor=bureau_reviewer, source=result_file(data))
    job = Job.objects.get(kind="payments.close_check")
    assert (job.status, job.params, job.created_by) == ("succeeded", {"batches": [batch.pk]}, bureau_reviewer)
    assert _codes(job) == ["payments.close.roll_mismatch"]
    assert job.errors[0]["items"] == [1]


def test_the_nightly_check_is_scheduled():
    entry = settings.CELERY_BEAT_SCHEDULE["check-payment-close"]
    assert entry["task"] == "benefits.payments.tasks.check_payment_close_nightly"


def test_only_the_bureau_or_the_system_runs_the_check(two_benefits, caseworker_sunwu, auditor):
    with pytest.raises(OutOfScope):
        payments.payments_close_check(actor=caseworker_sunwu)
    with pytest.raises(NotAllowed):
        payments.payments_close_check_start(actor=auditor)


def test_the_close_page_lists_differences_with_their_items(
    client,
    two_benefits,
    bureau_reviewer,
    bureau_reviewer2,
    auditor,
    caseworker_sunwu,
    django_capture_on_commit_callbacks,
):
    batch = _approved(two_benefits[0].start_month, maker=bureau_reviewer, checker=bureau_reviewer2)
    url = reverse("admin:benefits_paymentbatch_close")
    client.force_login(bureau_reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url).status_code == 302
    page = client.get(url).content.decode()
    assert 'data-testid="close-clean"' in page
    item = batch.items.get(seq=2)
    PaymentItem.objects.filter(pk=item.pk).update(amount=item.amount - 3)
    payments.payments_close_check(actor=system("test"))
    client.force_login(auditor)  # reads it; cannot run it
    page = client.get(url).content.decode()
    assert 'data-code="payments.close.roll_mismatch"' in page
    assert 'data-code="payments.close.total_mismatch"' in page
    assert 'data-testid="close-check-now"' not in page
    assert client.post(url).status_code == 403
    client.force_login(caseworker_sunwu)
    assert client.get(url).status_code in (302, 403)
