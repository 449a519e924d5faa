"""Browser pages of the workflow for township staff: the case page and one POST per step."""

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from households.models import Classification, Household
from households.selectors import contacts_for, household_detail, townships_for, villages_for
from sunwu_relief import clock
from sunwu_relief.audit import record_access
from sunwu_relief.errors import DomainError, OutOfScope
from sunwu_relief.roles import Role, can_see_full_id, role_of
from sunwu_relief.ui import add_domain_error, client_ip, post_only, query_int, roles_required

from . import services
from .forms import (
    ApplicationForm,
    CommentForm,
    DeliveryForm,
    EvaluationForm,
    ExtensionForm,
    ObjectionForm,
    ObjectionResolveForm,
    ObligorForm,
    ObligorRemoveForm,
    ReasonForm,
    RequiredCommentForm,
    TownshipApproveForm,
)
from .models import IN_PROCEDURE, Application, ApplicationStatus, Objection, Obligor, Programme, WrittenNotice
from .models import ApplicationStatus as S
from .selectors import (
    WorkingCalendar,
    application_deadlines,
    application_detail,
    applications_for,
    board_notices_for,
    standard_for,
    standing_list_for,
    stop_notices_for,
    undelivered_notices_for,
    written_notice_number,
    written_notices_for,
)
from .workflow import ALLOWED

TOWNSHIP_ROLES = (Role.CASEWORKER, Role.TOWNSHIP_REVIEWER)
CASE_READERS = (Role.CASEWORKER, Role.TOWNSHIP_REVIEWER, Role.BUREAU_REVIEWER, Role.AUDITOR)


@dataclass(frozen=True)
class Step:
    label: str
    roles: tuple[str, ...]
    statuses: frozenset[str]
    form: type[forms.Form]
    run: Callable[..., object]
    primary: bool = True
    # Offered only for the applications this returns true for (default: all of its statuses).
    offered: Callable[[Application], bool] | None = None


def _current_notice(application: Application):
    return application.notices.filter(superseded=False).first()


def _record_objection(*, actor, application: Application, data: dict) -> object:
    notice = _current_notice(application)
    if notice is None:
        raise DomainError(_("There is no public notice."))
    return services.objection_record(actor=actor, notice=notice, **data)


def _resolve_objection(*, actor, application: Application, data: dict) -> object:
    objection = Objection.objects.filter(notice__application=application, pk=data["objection"]).first()
    if objection is None:
        raise OutOfScope()
    return services.objection_resolve(
        actor=actor, objection=objection, upheld=data["upheld"], resolution=data["resolution"]
    )


def _remove_obligor(*, actor, application: Application, data: dict) -> None:
    obligor = Obligor.objects.filter(application=application, pk=data["obligor"]).first()
    if obligor is None:
        raise OutOfScope()
    services.obligor_remove(actor=actor, obligor=obligor)


# The statuses a transition step is offered in come from the workflow's own map.
_FROM = {action: allowed for action, (allowed, _to) in ALLOWED.items()}

STEPS: dict[str, Step] = {
    "submit": Step(
        gettext_lazy("Accept the application (受理)"),
        (Role.CASEWORKER,),
        _FROM["submit"],
        CommentForm,
        lambda actor, application, data: services.application_submit(actor=actor, application=application),
    ),
    "resubmit": Step(
        gettext_lazy("Resubmit after rework"),
        (Role.CASEWORKER,),
        _FROM["resubmit"],
        CommentForm,
        lambda actor, application, data: services.application_resubmit(
            actor=actor, application=application, comment=data["comment"]
        ),
    ),
    "start_investigation": Step(
        gettext_lazy("Start the investigation"),
        (Role.CASEWORKER,),
        _FROM["start_investigation"],
        CommentForm,
        lambda actor, application, data: services.application_start_investigation(actor=actor, application=application),
    ),
    "finish_investigation": Step(
        gettext_lazy("Finish the investigation"),
        (Role.CASEWORKER,),
        _FROM["finish_investigation"],
        CommentForm,
        lambda actor, application, data: services.application_finish_investigation(
            actor=actor, application=application
        ),
    ),
    "record_evaluation": Step(
        gettext_lazy("Record the democratic evaluation"),
        (Role.CASEWORKER,),
        frozenset({S.EVALUATING}),
        EvaluationForm,
        lambda actor, application, data: services.evaluation_record(actor=actor, application=application, **data),
        primary=False,
    ),
    "finish_evaluation": Step(
        gettext_lazy("Finish the evaluation"),
        (Role.CASEWORKER,),
        _FROM["finish_evaluation"],
        CommentForm,
        lambda actor, application, data: services.application_finish_evaluation(actor=actor, application=application),
    ),
    "township_approve": Step(
        gettext_lazy("Approve at township level and publish the notice"),
        (Role.TOWNSHIP_REVIEWER,),
        _FROM["township_approve"],
        TownshipApproveForm,
        lambda actor, application, data: services.application_township_approve(
            actor=actor,
            application=application,
            opinion=data["opinion"],
            care_level=data.get("care_level") or "full_self_care",
        ),
    ),
    "township_return": Step(
        gettext_lazy("Return for rework"),
        (Role.TOWNSHIP_REVIEWER,),
        _FROM["township_return"],
        ReasonForm,
        lambda actor, application, data: services.application_township_return(
            actor=actor, application=application, **data
        ),
        primary=False,
    ),
    "record_objection": Step(
        gettext_lazy("Record an objection"),
        TOWNSHIP_ROLES,
        frozenset({S.PUBLIC_NOTICE}),
        ObjectionForm,
        lambda actor, application, data: _record_objection(actor=actor, application=application, data=data),
        primary=False,
    ),
    "resolve_objection": Step(
        gettext_lazy("Resolve an objection"),
        (Role.TOWNSHIP_REVIEWER,),
        frozenset({S.PUBLIC_NOTICE}),
        ObjectionResolveForm,
        lambda actor, application, data: _resolve_objection(actor=actor, application=application, data=data),
        primary=False,
    ),
    "add_obligor": Step(
        gettext_lazy("Record an obligor (法定赡养、抚养、扶养义务人)"),
        (Role.CASEWORKER,),
        services.OBLIGOR_STATUSES,
        ObligorForm,
        lambda actor, application, data: services.obligor_add(actor=actor, application=application, **data),
        primary=False,
    ),
    "remove_obligor": Step(
        gettext_lazy("Remove the obligor"),
        (Role.CASEWORKER,),
        services.OBLIGOR_STATUSES,
        ObligorRemoveForm,
        lambda actor, application, data: _remove_obligor(actor=actor, application=application, data=data),
        primary=False,
    ),
    "notice_complete": Step(
        gettext_lazy("Notice period over: send to the county for approval"),
        TOWNSHIP_ROLES,
        _FROM["notice_complete"],
        CommentForm,
        lambda actor, application, data: services.application_notice_complete(actor=actor, application=application),
    ),
    "extend_deadline": Step(
        gettext_lazy("Extend the decision deadline to 45 working days"),
        (Role.TOWNSHIP_REVIEWER,),
        frozenset(IN_PROCEDURE),
        ExtensionForm,
        lambda actor, application, data: services.application_extend_deadline(
            actor=actor, application=application, reason=data["reason"]
        ),
        primary=False,
        offered=lambda application: application.programme == Programme.DIBAO and not application.deadline_extended,
    ),
    "withdraw": Step(
        gettext_lazy("Withdraw (at the applicant's request)"),
        (Role.CASEWORKER,),
        _FROM["withdraw"],
        RequiredCommentForm,
        lambda actor, application, data: services.application_withdraw(
            actor=actor, application=application, comment=data["comment"]
        ),
        primary=False,
    ),
}


def _step_form(name: str, step: Step, application: Application, *args, **kwargs) -> forms.Form:
    form = step.form(*args, prefix=name, **kwargs)
    if name == "township_approve" and application.programme != Programme.TEKUN:
        # Self-care ability sets the 特困 care allowance only; a 低保 reviewer is not asked for it.
        del form.fields["care_level"]
    return form


def _proposal_preview(application: Application) -> dict | None:
    """What the township reviewer would propose, shown before approving (nothing is saved)."""
    if application.status != S.TOWNSHIP_REVIEW:
        return None
    standard = standard_for(application.programme, clock.today().year)
    if standard is None:
        return {"problem": _("No standard is set for this programme and year; the county must set one first.")}
    try:
        amount, classification = services.proposed_decision(application, standard=standard)
    except DomainError as exc:
        return {"problem": exc.message}
    return {
        "amount": amount.value,
        "explanation": amount.explanation,
        "classification": Classification(classification).label if classification else "",
        "tekun": application.programme == Programme.TEKUN,
    }


def _get_application(request: HttpRequest, pk: int) -> Application:
    try:
        return application_detail(request.user, pk=pk)
    except Application.DoesNotExist as exc:
        raise Http404 from exc


def _problems(application: Application) -> list[str]:
    """What is missing for the next step, shown on the case page."""
    if application.status == S.DRAFT:
        return services.submit_problems(application)
    if application.status == S.INVESTIGATING:
        return services.investigation_problems(application)
    if application.status == S.EVALUATING:
        return services.evaluation_problems(application)
    if application.status == S.TOWNSHIP_REVIEW:
        # The reviewer sees before deciding which programme conditions the frozen result fails.
        return services.eligibility_problems(application, assessment=application.assessment)
    if application.status == S.PUBLIC_NOTICE:
        return services.notice_problems(application, on=clock.today())
    if application.status == S.COUNTY_REVIEW:
        return services.approval_problems(application, None)
    return []


@roles_required(*CASE_READERS)
def application_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_case(request, pk)


def _render_case(request: HttpRequest, pk: int, forms_with_errors: dict | None = None) -> HttpResponse:
    application = _get_application(request, pk)
    role = role_of(request.user)
    steps = []
    for name, step in STEPS.items():
        if role in step.roles and application.status in step.statuses:
            if step.offered is not None and not step.offered(application):
                continue
            form = (forms_with_errors or {}).get(name) or _step_form(name, step, application)
            if name in ("add_obligor", "remove_obligor") and application.programme != Programme.TEKUN:
                continue
            if name == "remove_obligor":
                # One small form per recorded obligor, shown beside it in the obligor list.
                continue
            if name == "resolve_objection":
                open_objections = [
                    o
                    for n in application.notices.all()
                    for o in n.objections.all()
                    if o.status == Objection.Status.OPEN
                ]
                if not open_objections:
                    continue
                steps.extend(
                    {
                        "name": name,
                        "step": step,
                        "form": ObjectionResolveForm(prefix=name, initial={"objection": o.pk}),
                        "objection": o,
                    }
                    for o in open_objections
                )
                continue
            steps.append({"name": name, "step": step, "form": form})
    return render(
        request,
        "benefits/application_detail.html",
        {
            "application": application,
            "household": application.household,
            "steps": steps,
            "problems": _problems(application),
            "deadlines": application_deadlines(application, on=clock.today()),
            "notice": _current_notice(application),
            "proposal": _proposal_preview(application) if role in TOWNSHIP_ROLES else None,
            "benefit": getattr(application, "benefit", None) if application.status == S.APPROVED else None,
            "obligors": list(application.obligors.all()) if application.programme == Programme.TEKUN else [],
            "obligors_editable": role == Role.CASEWORKER and application.status in services.OBLIGOR_STATUSES,
        },
        status=400 if forms_with_errors else 200,
    )


@roles_required(*TOWNSHIP_ROLES)
@post_only(lambda pk, step: reverse("benefits:application", args=[pk]))
def application_step_view(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    application = _get_application(request, pk)
    if step not in STEPS:
        raise Http404
    definition = STEPS[step]
    if role_of(request.user) not in definition.roles:
        raise PermissionDenied
    form = _step_form(step, definition, application, request.POST, request.FILES)
    if form.is_valid():
        try:
            definition.run(request.user, application, form.cleaned_data)
        except OutOfScope as exc:
            raise Http404 from exc
        except DomainError as exc:
            add_domain_error(form, exc, request=request)
        else:
            messages.success(request, _("Done: %(step)s.") % {"step": definition.label})
            return redirect("benefits:application", pk=application.pk)
    return _render_case(request, pk, forms_with_errors={step: form})


@roles_required(Role.CASEWORKER)
def application_create_view(request: HttpRequest, household_pk: int) -> HttpResponse:
    try:
        household = household_detail(request.user, pk=household_pk)
    except Household.DoesNotExist as exc:
        raise Http404 from exc
    form = ApplicationForm(request.POST or None, household=household)
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_create(actor=request.user, household=household, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc, request=request)
        else:
            messages.success(request, _("The application was created as a draft."))
            return redirect("benefits:application", pk=application.pk)
    return render(request, "benefits/application_form.html", {"form": form, "household": household})


@roles_required(*CASE_READERS)
def application_list_view(request: HttpRequest) -> HttpResponse:
    queryset = applications_for(request.user).select_related("household__village").order_by("-created")
    status = request.GET.get("status", "")
    if status in ApplicationStatus.values:
        queryset = queryset.filter(status=status)
    page = Paginator(queryset, 25).get_page(request.GET.get("page"))
    today = clock.today()
    calendar = WorkingCalendar()
    rows = [{"application": a, "deadlines": application_deadlines(a, on=today, calendar=calendar)} for a in page]
    return render(
        request,
        "benefits/application_list.html",
        {
            "page": page,
            "rows": rows,
            "statuses": ApplicationStatus.choices,
            "status": status,
            "query": f"status={status}" if status else "",
        },
    )


@roles_required(*CASE_READERS)
def notice_list_view(request: HttpRequest) -> HttpResponse:
    """The village board's notice list: only the fields docs/rules.md allows; printable on A4."""
    villages = villages_for(request.user)
    village_id = query_int(request, "village")
    village = villages.filter(pk=village_id).first() if village_id else None
    today = clock.today()
    village_pk = village.pk if village else None
    return render(
        request,
        "benefits/notice_list.html",
        {
            "notices": board_notices_for(request.user, village_id=village_pk, on=today),
            "stop_notices": stop_notices_for(request.user, village_id=village_pk, on=today),
            "villages": villages,
            "village": village,
            "today": today,
            "contacts": contacts_for(_board_township(request, village)),
        },
    )


def _board_township(request: HttpRequest, village):
    if village is not None:
        return village.township
    return townships_for(request.user).first() if _one_township(request) else None


@roles_required(*CASE_READERS)
def standing_list_view(request: HttpRequest) -> HttpResponse:
    """长期公示: the beneficiaries per village, only the fields a notice may show; printable."""
    villages = villages_for(request.user)
    village_id = query_int(request, "village")
    village = villages.filter(pk=village_id).first() if village_id else None
    today = clock.today()
    return render(
        request,
        "benefits/standing_list.html",
        {
            "rows": standing_list_for(request.user, village_id=village.pk if village else None, on=today),
            "villages": villages,
            "village": village,
            "today": today,
            "contacts": contacts_for(_board_township(request, village)),
        },
    )


@roles_required(*TOWNSHIP_ROLES, Role.BUREAU_REVIEWER)
def written_notice_deliver_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The township's record of delivery (送达): date, how, who received it, the signed receipt."""
    try:
        notice = written_notices_for(request.user).get(pk=pk)
    except WrittenNotice.DoesNotExist as exc:
        raise Http404 from exc
    form = DeliveryForm(request.POST or None, request.FILES or None, initial={"delivered_on": clock.today()})
    if request.method == "POST" and form.is_valid():
        try:
            services.written_notice_deliver(actor=request.user, notice=notice, **form.cleaned_data)
        except OutOfScope as exc:
            raise Http404 from exc
        except DomainError as exc:
            add_domain_error(form, exc, request=request)
        else:
            messages.success(request, _("The delivery was recorded."))
            return redirect("benefits:written-notice", pk=notice.pk)
    return render(
        request,
        "benefits/written_notice_deliver.html",
        {"notice": notice, "form": form},
        status=400 if request.method == "POST" else 200,
    )


def _one_township(request: HttpRequest) -> bool:
    return role_of(request.user) in TOWNSHIP_ROLES


@roles_required(*CASE_READERS)
def written_notice_view(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        notice = (
            written_notices_for(request.user).select_related("household__village", "household__township").get(pk=pk)
        )
    except WrittenNotice.DoesNotExist as exc:
        raise Http404 from exc
    return render(
        request,
        "benefits/written_notice.html",
        {
            "notice": notice,
            "contacts": contacts_for(notice.household.township),
            "document_number": written_notice_number(notice),
            "today": clock.today(),
        },
    )


@roles_required(*CASE_READERS)
def written_notice_list_view(request: HttpRequest) -> HttpResponse:
    """The written notices of the user's scope, those still to be served first (township staff
    deliver them; the county sees all)."""
    today = clock.today()
    state = request.GET.get("state", "")
    if state in ("undelivered", "overdue"):
        queryset = undelivered_notices_for(request.user, on=today, overdue_only=state == "overdue")
    else:
        state = ""
        queryset = written_notices_for(request.user)
    queryset = queryset.select_related("household__village", "application").order_by(
        F("delivered_on").asc(nulls_first=True), "-issued_on", "-id"
    )
    kind = request.GET.get("kind", "")
    if kind in WrittenNotice.Kind.values:
        queryset = queryset.filter(kind=kind)
    page = Paginator(queryset, 25).get_page(request.GET.get("page"))
    query = "&".join(f"{name}={value}" for name, value in (("kind", kind), ("state", state)) if value)
    return render(
        request,
        "benefits/written_notice_list.html",
        {
            "page": page,
            "kinds": WrittenNotice.Kind.choices,
            "kind": kind,
            "state": state,
            "query": query,
            "today": today,
        },
    )


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
    application = _get_application(request, pk)
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
    head = next((m for m in members if m.relationship == "head"), None)
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


@roles_required(*CASE_READERS)
def written_notice_receipt_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The 送达回证 of a written notice: the township serves the notice and the household signs it."""
    try:
        notice = (
            written_notices_for(request.user).select_related("household__village", "household__township").get(pk=pk)
        )
    except WrittenNotice.DoesNotExist as exc:
        raise Http404 from exc
    return render(
        request,
        "benefits/paper_receipt.html",
        {
            "notice": notice,
            "contacts": contacts_for(notice.household.township),
            "document_number": written_notice_number(notice),
        },
    )
