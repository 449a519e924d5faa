"""Two county reviewers approve the same case at the same moment: exactly one decision.

Needs PostgreSQL (row locks); CI runs it there. SQLite serialises writers differently.
"""

import threading

import pytest
from django.db import connection, connections

from benefits import services
from benefits.models import ApplicationStatus, Benefit, Transition
from sunwu_relief.errors import WorkflowError

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL (CI runs this)"),
]

TRIALS = 5


def _race(actors, application) -> list[object]:
    barrier = threading.Barrier(len(actors))
    results: list[object] = [None] * len(actors)

    def approve(index: int, actor) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = services.application_county_approve(actor=actor, application=application)
        except WorkflowError as exc:
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve, args=(i, actor)) for i, actor in enumerate(actors)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_two_reviewers_approving_at_once_make_exactly_one_decision(cases, bureau_reviewer2):
    for _trial in range(TRIALS):
        application = cases.to(ApplicationStatus.COUNTY_REVIEW)
        cases.ready_for_approval(application)
        results = _race([cases.bureau, bureau_reviewer2], application)
        benefits = [r for r in results if isinstance(r, Benefit)]
        refusals = [r for r in results if isinstance(r, WorkflowError)]
        assert len(benefits) == 1, results
        assert len(refusals) == 1, results
        assert refusals[0].message  # a clear message for the second reviewer
        assert Benefit.objects.filter(application=application).count() == 1
        assert Transition.objects.filter(application=application, action="county_approve").count() == 1
