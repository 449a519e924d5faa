"""Audit work that drives dynamic management (connected in `AuditsConfig.ready`):

- review sources for the daily re-verification run: the households with an upheld complaint not
  reviewed since, and the households the poverty office declared out of poverty while covered
  (an open `covered_out_of_poverty` finding);
- when a re-verification is decided: the upheld complaints it answers are marked reviewed and the
  findings waiting for it close; when an application a finding started is decided, that finding closes;
- the households with complaints, for a campaign scoped to complaints or objections."""

from django.db.models import Exists, OuterRef

from benefits.reviews.models import Review, ReviewReason, ReviewStatus
from sunwu_relief.authz import system

from .complaints.models import Complaint
from .complaints.selectors import complaints_needing_review, households_needing_review
from .complaints.services import complaint_review_recorded
from .models import Finding, FindingKind, FindingStatus
from .services import findings_close_started

ACTOR = system("task:dynamic_management")


def review_sources_of_audits(on) -> list[tuple]:
    """(household, reason, note) for every household an audit finding says must be re-verified."""
    found = [(household, ReviewReason.COMPLAINT, "举报/投诉查实") for household in households_needing_review()]
    # Once: a household re-verified (a review decided) since the declaration was found is not named again.
    reviewed_since = Review.objects.filter(
        household_id=OuterRef("household_id"), status=ReviewStatus.DECIDED, decided_at__gte=OuterRef("first_found")
    )
    out_of_poverty = (
        Finding.objects.filter(
            kind=FindingKind.COVERED_OUT_OF_POVERTY, status=FindingStatus.OPEN, household__isnull=False
        )
        .exclude(Exists(reviewed_since))
        .select_related("household")
        .only("id", "household__id", "household__township_id")  # a county's 9,000: what the run reads
        .order_by("pk")
    )
    found += [(finding.household, ReviewReason.OUT_OF_POVERTY, "扶贫部门标识已脱贫") for finding in out_of_poverty]
    return found


def complained_households():
    return Complaint.objects.filter(household__isnull=False).values("household_id")


def on_review_decided(sender, *, review, actor, **kwargs) -> None:
    for complaint in complaints_needing_review(review.household):
        complaint_review_recorded(actor=ACTOR, complaint=complaint, note=f"复核已完成（{review.get_status_display()}）")
    findings_close_started(actor=ACTOR, review=review)


def on_application_finished(sender, *, application, actor, **kwargs) -> None:
    findings_close_started(actor=ACTOR, application=application)
