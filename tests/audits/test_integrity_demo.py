"""seed_demo's integrity work: a register, complaints in several states, and every finding kind
but the one the workflow makes impossible (it stays at zero)."""

import pytest
from django.core.management import call_command

from audits.complaints.models import Complaint, ComplaintStatus
from audits.complaints.selectors import households_needing_review
from audits.integrity.finding_models import IntegrityKind
from audits.integrity.models import RegisteredRelative
from audits.integrity.services.findings import open_counts
from benefits.models import Application

pytestmark = pytest.mark.django_db


def test_the_demo_has_each_finding_kind_and_a_few_complaints(capsys):
    call_command("seed_demo", "--households", "40")
    counts = open_counts()
    assert counts.pop(IntegrityKind.UNVERIFIED_BENEFIT) == 0
    assert all(counts.values()), counts
    assert RegisteredRelative.objects.count() >= 3
    assert Application.objects.filter(filed=True).exists()
    assert Complaint.objects.filter(anonymous=True).exclude(status=ComplaintStatus.CLOSED).exists()
    assert households_needing_review().exists()
    assert Complaint.objects.count() >= 3
