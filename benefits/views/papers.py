"""The printable papers of a case: 申请书, 授权核对书 and 审核审批表."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from households.models import Relationship
from households.selectors import contacts_for
from sunwu_relief import clock
from sunwu_relief.audit import record_access
from sunwu_relief.roles import can_see_full_id
from sunwu_relief.ui import client_ip, roles_required

from ..models import Application
from ..models import ApplicationStatus as S
from ..selectors import (
    standard_for,
)
from .common import CASE_READERS, get_application

PAPERS = {
    "application": "benefits/paper_application.html",
    "authorisation": "benefits/paper_authorisation.html",
    "approval": "benefits/paper_approval.html",
}


def _last_transition(application: Application, actions: tuple[str, ...]):
    found = [t for t in application.transitions.all() if t.action in actions]
    return found[-1] if found else None


@roles_required(*CASE_READERS)
def application_paper_view(request: HttpRequest, pk: int, paper: str) -> HttpResponse:
    """The printable papers of a case: 申请书 and 授权核对书 the family signs, and the 审核审批表
    with the township's and the county's opinions and seal boxes. A4, one page where it fits."""
    if paper not in PAPERS:
        raise Http404
    application = get_application(request, pk)
    household = application.household
    full_ids = can_see_full_id(request.user)
    record_access(
        user=request.user,
        obj=household,
        channel="ui",
        full_id_numbers=full_ids,
        health_data=False,
        ip_address=client_ip(request),
    )
    members = list(household.members.order_by("id"))
    head = next((m for m in members if m.relationship == Relationship.HEAD), None)
    assessment = application.assessment
    snapshot = application.standard_snapshot or {}
    standard = standard_for(application.programme, timezone.localdate(application.created).year)
    monthly_standard = snapshot.get("monthly_standard") or (standard.monthly_standard if standard else None)
    evaluations = list(application.evaluations.all())
    notices = [n for n in application.notices.all() if not n.superseded]
    return render(
        request,
        PAPERS[paper],
        {
            "application": application,
            "household": household,
            "members": members,
            "head": head,
            "full_ids": full_ids,
            "contacts": contacts_for(household.township),
            "assessment": assessment,
            "authorisation": assessment.authorisations.order_by("-signed_on").first() if assessment else None,
            "monthly_standard": monthly_standard,
            "evaluation": evaluations[0] if evaluations else None,
            "notice": notices[0] if notices else None,
            "township_step": _last_transition(application, ("township_approve", "township_return")),
            "county_step": _last_transition(application, ("county_approve", "county_reject", "county_return")),
            "benefit": getattr(application, "benefit", None) if application.status == S.APPROVED else None,
            "today": clock.today(),
        },
    )
