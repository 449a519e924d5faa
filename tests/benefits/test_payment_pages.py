"""Where people see the payments: the household page, the payee form, the failed list, the admin."""

import pytest
from django.urls import reverse

from benefits.models import ApplicationStatus, BatchStatus, PaymentBatch
from benefits.payments import services as payments
from benefits.payments.rules import mask_account, month_key
from sunwu_relief.models import AccessLog, Job
from tests.benefits.payment_builders import agri_bank, card_number, export, give_payee, result_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def benefit(cases, caseworker_sunwu):
    benefit = cases.to(ApplicationStatus.APPROVED).benefit
    give_payee(benefit, actor=caseworker_sunwu, number=card_number("6228480011"))
    return benefit


def test_household_page_shows_the_account_in_full_to_the_caseworker_masked_to_the_reviewer(
    client, benefit, caseworker_sunwu, reviewer_sunwu
):
    number = card_number("6228480011")
    url = reverse("households:detail", args=[benefit.household_id])
    client.force_login(caseworker_sunwu)
    assert number in client.get(url).content.decode()
    client.force_login(reviewer_sunwu)
    page = client.get(url).content.decode()
    assert number not in page
    assert mask_account(number) in page


def test_the_caseworker_changes_the_account_through_the_form(client, benefit, caseworker_sunwu):
    client.force_login(caseworker_sunwu)
    url = reverse("benefits:payee", args=[benefit.pk])
    assert client.get(url).status_code == 200
    head = benefit.household.members.get(relationship="head")
    data = {"member": head.pk, "bank": agri_bank().pk, "account_number": card_number("6228480022")}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "payments.payee_reason_required" not in response.content.decode()  # shown as a sentence
    response = client.post(url, {**data, "reason": "原卡挂失，换新卡"})
    assert response.status_code == 302
    benefit.payee.refresh_from_db()
    assert benefit.payee.account_number == card_number("6228480022")


def test_a_caseworker_of_another_township_gets_404_on_the_payee_form(client, benefit, caseworker_chenqing):
    client.force_login(caseworker_chenqing)
    assert client.get(reverse("benefits:payee", args=[benefit.pk])).status_code == 404


def test_the_reviewer_cannot_open_the_payee_form(client, benefit, reviewer_sunwu):
    client.force_login(reviewer_sunwu)
    assert client.get(reverse("benefits:payee", args=[benefit.pk])).status_code == 403


def test_failed_payments_list_and_household_months(
    client, benefit, bureau_reviewer, bureau_reviewer2, caseworker_sunwu, caseworker_chenqing
):
    batch, _ = payments.payment_batch_prepare(actor=bureau_reviewer, programme="dibao", month=benefit.start_month)
    payments.payment_batch_approve(actor=bureau_reviewer2, batch=batch)
    payments.bank_results_import(actor=None, source=result_file(export(batch), {1: ("失败", "账户冻结")}))
    client.force_login(caseworker_sunwu)
    page = client.get(reverse("benefits:failed-payments")).content.decode()
    assert "账户冻结" in page
    household_page = client.get(reverse("households:detail", args=[benefit.household_id])).content.decode()
    assert month_key(benefit.start_month) in household_page
    assert "账户冻结" in household_page
    client.force_login(caseworker_chenqing)
    assert "账户冻结" not in client.get(reverse("benefits:failed-payments")).content.decode()


def test_admin_prepare_approve_by_a_second_user_and_download(
    client, benefit, bureau_reviewer, bureau_reviewer2, django_capture_on_commit_callbacks
):
    client.force_login(bureau_reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:benefits_paymentbatch_prepare"),
            {"programme": "dibao", "month": month_key(benefit.start_month)},
        )
    job = Job.objects.get(kind="payments.prepare")
    assert response.url == reverse("admin:benefits_paymentbatch_job", args=[job.pk])
    batch = PaymentBatch.objects.get()
    assert (job.status, job.rows_done, job.rows_total) == ("succeeded", 1, 1)
    assert job.counts == {"batch": batch.pk, "number": batch.number, "created": True, "items": 1}
    review = reverse("admin:benefits_paymentbatch_review", args=[batch.pk])
    assert client.get(response.url).url == review  # the job page leads to the batch once done
    assert client.get(review).status_code == 200
    client.post(reverse("admin:benefits_paymentbatch_approve", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DRAFT  # the preparer cannot approve
    client.force_login(bureau_reviewer2)
    client.post(reverse("admin:benefits_paymentbatch_approve", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == BatchStatus.APPROVED
    response = client.get(reverse("admin:benefits_paymentbatch_download", args=[batch.pk]))
    assert response["Content-Disposition"] == f'attachment; filename="{batch.number}.xlsx"'
    assert response.content[:2] == b"PK"
    batch.refresh_from_db()
    assert batch.status == BatchStatus.EXPORTED
    client.get(reverse("admin:benefits_paymentbatch_download", args=[batch.pk]))  # a second download
    logs = AccessLog.objects.filter(channel="export", object_type="benefits.paymentbatch", object_id=str(batch.pk))
    assert logs.count() == 2  # every download of the bank's file, not only the first
    assert all(log.full_id_numbers and log.user == bureau_reviewer2 for log in logs)


def test_admin_payment_pages_refuse_township_staff_and_auditors_cannot_act(
    client, benefit, bureau_reviewer, auditor, caseworker_sunwu
):
    batch, _ = payments.payment_batch_prepare(actor=bureau_reviewer, programme="dibao", month=benefit.start_month)
    client.force_login(auditor)
    page = client.get(reverse("admin:benefits_paymentbatch_review", args=[batch.pk])).content.decode()
    assert card_number("6228480011") not in page
    assert mask_account(card_number("6228480011")) in page
    assert client.post(reverse("admin:benefits_paymentbatch_approve", args=[batch.pk])).status_code == 403
    client.force_login(caseworker_sunwu)
    assert client.get(reverse("admin:benefits_paymentbatch_review", args=[batch.pk])).status_code in (302, 403)


def test_the_api_gives_a_households_payments_without_the_account(
    client, benefit, bureau_reviewer, bureau_reviewer2, poverty_office, caseworker_chenqing
):
    from knox.models import AuthToken

    batch, _ = payments.payment_batch_prepare(actor=bureau_reviewer, programme="dibao", month=benefit.start_month)
    url = f"/api/v1/households/{benefit.household_id}/payments/"

    def get(user):
        _instance, token = AuthToken.objects.create(user=user)
        return client.get(url, HTTP_AUTHORIZATION=f"Token {token}")

    assert get(poverty_office).json()["count"] == 0  # a draft is not a payment yet
    payments.payment_batch_approve(actor=bureau_reviewer2, batch=batch)
    payments.bank_results_import(actor=None, source=result_file(export(batch)))
    response = get(poverty_office)
    assert response.status_code == 200
    [item] = response.json()["results"]
    assert item == {
        "month": month_key(benefit.start_month),
        "programme": "dibao",
        "kind": "regular",
        "amount": f"{benefit.monthly_amount:.2f}",
        "months": [month_key(benefit.start_month)],
        "state": "paid",
    }
    assert card_number("6228480011") not in response.content.decode()
    assert get(caseworker_chenqing).status_code == 404


def test_admin_prepare_shows_the_jobs_progress_while_it_runs(
    client, benefit, bureau_reviewer, auditor, caseworker_sunwu
):
    client.force_login(bureau_reviewer)
    # Without the commit the worker has not started: the page shows the pending job.
    response = client.post(
        reverse("admin:benefits_paymentbatch_prepare"), {"programme": "dibao", "month": month_key(benefit.start_month)}
    )
    job = Job.objects.get(kind="payments.prepare")
    assert (job.status, job.created_by, job.params) == (
        "pending",
        bureau_reviewer,
        {"programme": "dibao", "month": month_key(benefit.start_month)},
    )
    page = client.get(response.url).content.decode()
    assert 'data-status="pending"' in page
    assert 'http-equiv="refresh"' in page
    # A second submit while it is pending is the same job.
    client.post(
        reverse("admin:benefits_paymentbatch_prepare"), {"programme": "dibao", "month": month_key(benefit.start_month)}
    )
    assert Job.objects.filter(kind="payments.prepare").count() == 1
    assert not PaymentBatch.objects.exists()
    client.force_login(auditor)
    assert client.get(response.url).status_code == 200
    client.force_login(caseworker_sunwu)
    assert client.get(response.url).status_code in (302, 403)


def test_the_prepare_task_records_progress_and_a_failure(benefit, bureau_reviewer, bureau_reviewer2):
    from benefits.payments.services import payment_batch_prepare_start
    from benefits.payments.tasks import prepare_payment_batch

    job, existing = payment_batch_prepare_start(actor=bureau_reviewer, programme="dibao", month=benefit.start_month)
    assert existing is None
    prepare_payment_batch(job.pk)
    job.refresh_from_db()
    assert (job.status, job.rows_done, job.rows_total) == ("succeeded", 1, 1)
    prepare_payment_batch(job.pk)  # a redelivered message runs nothing again
    assert PaymentBatch.objects.count() == 1
    again, existing = payment_batch_prepare_start(actor=bureau_reviewer, programme="dibao", month=benefit.start_month)
    assert (again, existing) == (None, PaymentBatch.objects.get())
    # A job whose preparer lost the role fails with its reason; it never stays running.
    PaymentBatch.objects.get().items.all().delete()
    PaymentBatch.objects.all().delete()
    job, _ = payment_batch_prepare_start(actor=bureau_reviewer2, programme="dibao", month=benefit.start_month)
    profile = bureau_reviewer2.staff_profile
    type(profile).objects.filter(pk=profile.pk).update(role="auditor")
    prepare_payment_batch(job.pk)
    job.refresh_from_db()
    assert job.status == "failed"
    assert job.errors[0]["message"].startswith("NotAllowed")
    assert not PaymentBatch.objects.exists()
