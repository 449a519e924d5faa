"""Two preparations of the same programme and month cannot both run (PostgreSQL's advisory lock;
SQLite runs one writer at a time anyway, so the test needs PostgreSQL)."""

import threading
import time

import pytest
from django.db import connection, connections

from benefits.models import ApplicationStatus, PaymentBatch
from benefits.payments import services as payments
from tests.benefits.payment_builders import give_payee

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_second_preparation_of_the_month_waits_and_gets_the_first_batch(
    cases, caseworker_sunwu, bureau_reviewer, bureau_reviewer2
):
    if connection.vendor != "postgresql":
        pytest.skip("the advisory lock is PostgreSQL's")
    benefit = cases.to(ApplicationStatus.APPROVED).benefit
    give_payee(benefit, actor=caseworker_sunwu)
    inside, results, finished = threading.Event(), {}, {}

    def slow_progress(done, total):
        inside.set()
        time.sleep(1.5)  # holds the lock while the second one starts

    def run(name, actor, progress=None):
        try:
            results[name] = payments.payment_batch_prepare(
                actor=actor, programme="dibao", month=benefit.start_month, progress=progress
            )
            finished[name] = time.monotonic()
        finally:
            connections.close_all()

    first = threading.Thread(target=run, args=("first", bureau_reviewer, slow_progress))
    first.start()
    assert inside.wait(10)
    second = threading.Thread(target=run, args=("second", bureau_reviewer2))
    second.start()
    first.join(20)
    second.join(20)
    (batch, created), (again, created_again) = results["first"], results["second"]
    assert (created, created_again) == (True, False)
    assert again.pk == batch.pk
    assert finished["second"] >= finished["first"]
    assert PaymentBatch.objects.count() == 1
