import random

import pytest

from assessments.demo import seed_assessments
from assessments.models import Assessment, DepartmentImport, Discrepancy, HouseholdVisit
from tests.conftest import member_data

pytestmark = pytest.mark.django_db


def test_demo_seeds_through_the_services_and_a_second_run_changes_nothing(
    make_household, caseworker_sunwu, reviewer_sunwu
):
    households = [
        make_household(caseworker_sunwu, members=[member_data(relationship="son"), member_data(relationship="spouse")])
        for _ in range(25)
    ]
    args = {
        "households": households,
        "caseworkers": {caseworker_sunwu.staff_profile.township_id: caseworker_sunwu},
        "reviewers": {reviewer_sunwu.staff_profile.township_id: reviewer_sunwu},
    }
    seed_assessments(rng=random.Random(7), **args)
    counts = (
        Assessment.objects.count(),
        Assessment.objects.filter(status="finished").count(),
        HouseholdVisit.objects.filter(signed_at__isnull=False).count(),
        DepartmentImport.objects.count(),
        Discrepancy.objects.count(),
    )
    assert counts[0] == 25
    assert counts[1] > 0
    assert counts[2] >= counts[1]
    assert counts[3] >= 2
    assert all(h.classification for h in type(households[0]).objects.filter(pk__in=[h.pk for h in households]))
    seed_assessments(rng=random.Random(7), **args)
    assert (
        Assessment.objects.count(),
        Assessment.objects.filter(status="finished").count(),
        HouseholdVisit.objects.filter(signed_at__isnull=False).count(),
        DepartmentImport.objects.count(),
        Discrepancy.objects.count(),
    ) == counts
