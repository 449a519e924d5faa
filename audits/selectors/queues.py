"""Work queues 待办 on the dashboard: for each role, what is waiting for the user, with its count
and how much of it is past its deadline, each linking to the list that holds it.

Every queue is one or two COUNT queries in the user's scope, whatever the number of cases: the
deadline of a queue is turned into a cut-off date once (the last day whose deadline has passed)
instead of computing every case's deadline.
"""

import datetime
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from benefits.models import ApplicationStatus, BatchStatus, Programme
from benefits.payments.selectors import batches_for, failed_payments_for
from benefits.reviews.models import ReviewStatus
from benefits.reviews.selectors import reviews_for
from benefits.selectors import WorkingCalendar, applications_for, notices_for, undelivered_notices_for
from benefits.temporary.models import TemporaryStatus
from benefits.temporary.selectors import supplements_due, temporary_cases_for, to_investigate, township_to_decide
from sunwu_relief import clock
from sunwu_relief.roles import Role, role_of

from ..complaints.models import OPEN_STATUSES as OPEN_COMPLAINTS
from ..complaints.selectors import complaints_for, overdue
from ..integrity.finding_models import IntegrityStatus
from ..integrity.finding_selectors import integrity_findings_for
from ..models import FindingStatus
from .findings import findings_for


@dataclass(frozen=True)
class Queue:
    key: str
    label: str
    count: int
    overdue: int
    url: str


def _applications(user, status: str) -> str:
    return f"{reverse('benefits:applications')}?status={status}"


def _application_queue(user, key: str, label: str, statuses: list[str], link: str) -> Queue:
    count = applications_for(user).filter(status__in=statuses).count()
    return Queue(key=key, label=label, count=count, overdue=0, url=_applications(user, link))


def _county_decisions(user, today: datetime.date) -> Queue:
    waiting = applications_for(user).filter(status=ApplicationStatus.COUNTY_REVIEW)
    calendar = WorkingCalendar()
    standard = calendar.standard(Programme.DIBAO, today.year)
    overdue = 0
    if standard is not None:
        cutoff = calendar.last_overdue_start(days=standard.county_decision_days, today=today)
        overdue = waiting.filter(received_by_county_at__date__lte=cutoff).count()
    return Queue(
        key="county_decisions",
        label=_("County decisions due"),
        count=waiting.count(),
        overdue=overdue,
        url=_applications(user, ApplicationStatus.COUNTY_REVIEW),
    )


def _notices_ending(user, today: datetime.date) -> Queue:
    running = notices_for(user).filter(application__status=ApplicationStatus.PUBLIC_NOTICE, superseded=False)
    return Queue(
        key="notices_ending",
        label=_("Public notices ending"),
        count=running.count(),
        overdue=running.filter(ends_on__lt=today).count(),
        url=reverse("benefits:notices"),
    )


def _written_notices(user, today: datetime.date) -> Queue:
    return Queue(
        key="written_notices",
        label=_("Written notices to deliver"),
        count=undelivered_notices_for(user, on=today).count(),
        overdue=undelivered_notices_for(user, on=today, overdue_only=True).count(),
        url=reverse("benefits:written-notices"),
    )


def _supplements(user, today: datetime.date) -> Queue:
    due = supplements_due(user, on=today)
    return Queue(
        key="supplements",
        label=_("Remaining steps of emergency grants (补办)"),
        count=len(due),
        overdue=sum(1 for item in due if item.overdue),
        url=reverse("benefits:temporary-list"),
    )


def _temporary(user, key: str, label: str, status: str) -> Queue:
    count = temporary_cases_for(user).filter(status=status).count()
    return Queue(key=key, label=label, count=count, overdue=0, url=reverse("benefits:temporary-list"))


def _temporary_township(user, today: datetime.date) -> Queue:
    # Emergency cases to decide (overdue: past their hours), 支出型 cases to review or decide.
    work = township_to_decide(user, today=today)
    return Queue(
        key="temporary_township",
        label=_("Temporary assistance to decide"),
        count=work.count,
        overdue=work.overdue,
        url=reverse("benefits:temporary-list"),
    )


def _temporary_investigate(user, today: datetime.date) -> Queue:
    work = to_investigate(user, today=today)
    return Queue(
        key="temporary_investigate",
        label=_("Temporary assistance to investigate (支出型)"),
        count=work.count,
        overdue=work.overdue,
        url=reverse("benefits:temporary-list"),
    )


def _failed_payments(user) -> Queue:
    return Queue(
        key="failed_payments",
        label=_("Failed payments to fix"),
        count=failed_payments_for(user).count(),
        overdue=0,
        url=reverse("benefits:failed-payments"),
    )


def _findings(user) -> Queue:
    return Queue(
        key="findings",
        label=_("Ledger findings open"),
        count=findings_for(user).filter(status=FindingStatus.OPEN).count(),
        overdue=0,
        url=reverse("audits:findings"),
    )


def _complaints(user) -> Queue:
    open_ones = complaints_for(user).filter(status__in=OPEN_COMPLAINTS)
    return Queue(
        key="complaints",
        label=_("Complaints to answer"),
        count=open_ones.count(),
        overdue=overdue(open_ones).count(),
        url=reverse("audits:complaints"),
    )


def _integrity(user) -> Queue:
    return Queue(
        key="integrity",
        label=_("Integrity findings open"),
        count=integrity_findings_for(user).filter(status=IntegrityStatus.OPEN).count(),
        overdue=0,
        url=reverse("audits:integrity-findings"),
    )


def _batches(user) -> Queue:
    drafts = batches_for(user).filter(status=BatchStatus.DRAFT).exclude(prepared_by=user)
    return Queue(
        key="batches",
        label=_("Payment batches to approve"),
        count=drafts.count(),
        overdue=0,
        url=reverse("admin:benefits_paymentbatch_changelist"),
    )


def _reviews(user, key: str, label: str, status: str, today: datetime.date) -> Queue:
    waiting = reviews_for(user).filter(status=status)
    return Queue(
        key=key,
        label=label,
        count=waiting.count(),
        overdue=waiting.filter(complete_by__lt=today).count(),
        url=f"{reverse('benefits:review-list')}?status={status}",
    )


def work_queues(user) -> list[Queue]:
    """The user's queues, in the order of the work."""
    today = clock.today()
    role = role_of(user)
    if role == Role.CASEWORKER:
        return [
            _application_queue(user, "to_accept", _("To accept"), [ApplicationStatus.DRAFT], ApplicationStatus.DRAFT),
            _application_queue(
                user, "to_start", _("Investigation to start"), [ApplicationStatus.ACCEPTED], ApplicationStatus.ACCEPTED
            ),
            _application_queue(
                user,
                "to_investigate",
                _("To investigate"),
                [ApplicationStatus.INVESTIGATING],
                ApplicationStatus.INVESTIGATING,
            ),
            _application_queue(
                user, "to_evaluate", _("To evaluate"), [ApplicationStatus.EVALUATING], ApplicationStatus.EVALUATING
            ),
            _application_queue(
                user, "returned", _("Returned for rework"), [ApplicationStatus.RETURNED], ApplicationStatus.RETURNED
            ),
            _temporary_investigate(user, today),
            _reviews(user, "reviews_open", _("Re-verifications to work"), ReviewStatus.OPEN, today),
            _written_notices(user, today),
            _supplements(user, today),
            _failed_payments(user),
            _findings(user),
            _complaints(user),
        ]
    if role == Role.TOWNSHIP_REVIEWER:
        return [
            _application_queue(
                user,
                "to_review",
                _("To review"),
                [ApplicationStatus.TOWNSHIP_REVIEW],
                ApplicationStatus.TOWNSHIP_REVIEW,
            ),
            _notices_ending(user, today),
            _reviews(user, "reviews_township", _("Re-verifications to agree"), ReviewStatus.TOWNSHIP_REVIEW, today),
            _temporary_township(user, today),
            _written_notices(user, today),
            _supplements(user, today),
            _complaints(user),
        ]
    if role == Role.BUREAU_REVIEWER:
        return [
            _county_decisions(user, today),
            _temporary(
                user,
                "temporary_county",
                _("Temporary assistance above the township limit"),
                TemporaryStatus.COUNTY_REVIEW,
            ),
            _reviews(user, "reviews_county", _("Re-verifications to decide"), ReviewStatus.COUNTY_REVIEW, today),
            _batches(user),
            _failed_payments(user),
            _findings(user),
            _complaints(user),
            _integrity(user),
        ]
    if role == Role.AUDITOR:
        return [_county_decisions(user, today), _findings(user), _complaints(user), _integrity(user)]
    return []
