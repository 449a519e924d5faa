"""Browser pages of complaints 举报: township staff record and work their township's; county
staff all of them (they also record them in the admin). The reporter is shown to county staff only."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from benefits.selectors import applications_for
from households.selectors import households_for
from sunwu_relief import clock
from sunwu_relief.errors import DomainError, OutOfScope
from sunwu_relief.exports import Column, ListExport, wants_xlsx
from sunwu_relief.forms import Form
from sunwu_relief.roles import Role, role_of, township_id_of
from sunwu_relief.ui import add_domain_error, page_of, query_text, roles_required

from . import services
from .models import Channel, Complaint, ComplaintStatus, Outcome
from .selectors import COUNTY_HANDLERS, assignable_staff, complaint_detail, complaint_list, overdue, reporter_for

VIEW_ROLES = services.RECORD_ROLES
# The list's filters beside the statuses: every open complaint, and those past the answer deadline.
OPEN_FILTER, OVERDUE_FILTER = "open", "overdue"
PAGE_SIZE = 25


def _investigator(complaint: Complaint) -> str:
    staff = complaint.assigned_to
    return (staff.get_full_name() or staff.username) if staff else ""


# The list's columns as the page shows them (never the reporter nor the content).
COMPLAINTS_EXPORT = ListExport(
    name="complaints",
    title=gettext_lazy("Complaints"),
    columns=(
        Column(gettext_lazy("Number"), lambda c: c.number),
        Column(gettext_lazy("Received on"), lambda c: c.received_on),
        Column(gettext_lazy("Channel"), lambda c: c.get_channel_display()),
        Column(gettext_lazy("Township"), lambda c: c.township.name if c.township else ""),
        Column(gettext_lazy("Household"), lambda c: c.household.number if c.household else ""),
        Column(gettext_lazy("Status"), lambda c: c.get_status_display()),
        Column(gettext_lazy("Answer due"), lambda c: c.answer_due),
        Column(gettext_lazy("Investigated by"), _investigator),
    ),
)


class ComplaintForm(Form):
    channel = forms.ChoiceField(label=gettext_lazy("Channel"), choices=Channel.choices)
    received_on = forms.DateField(label=gettext_lazy("Received on"), widget=forms.DateInput(attrs={"type": "date"}))
    anonymous = forms.BooleanField(label=gettext_lazy("Anonymous"), required=False)
    reporter_name = forms.CharField(label=gettext_lazy("Reporter"), required=False, max_length=64)
    reporter_contact = forms.CharField(label=gettext_lazy("Reporter's contact"), required=False, max_length=100)
    content = forms.CharField(label=gettext_lazy("What is reported"), widget=forms.Textarea(attrs={"rows": 4}))
    household_number = forms.CharField(label=gettext_lazy("Household number"), required=False, max_length=32)
    application = forms.IntegerField(label=gettext_lazy("Case number"), required=False, min_value=1)


class AssignForm(Form):
    assignee = forms.ModelChoiceField(label=gettext_lazy("Investigated by"), queryset=None)

    def __init__(self, *args, township_id: int | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = assignable_staff(township_id)


class FindingsForm(Form):
    findings = forms.CharField(label=gettext_lazy("Findings"), widget=forms.Textarea(attrs={"rows": 4}))
    outcome = forms.ChoiceField(label=gettext_lazy("Outcome"), choices=Outcome.choices, widget=forms.RadioSelect)


class AnswerForm(Form):
    answered_on = forms.DateField(label=gettext_lazy("Answered on"), widget=forms.DateInput(attrs={"type": "date"}))
    method = forms.ChoiceField(label=gettext_lazy("Answered by"), choices=Channel.choices)
    answer = forms.CharField(label=gettext_lazy("Answer"), widget=forms.Textarea(attrs={"rows": 3}))


class CloseForm(Form):
    note = forms.CharField(label=gettext_lazy("Closing note"), widget=forms.Textarea(attrs={"rows": 2}))


@roles_required(*VIEW_ROLES)
def complaint_list_view(request: HttpRequest) -> HttpResponse:
    queryset = complaint_list(request.user)
    shown = query_text(request, "status", OPEN_FILTER)
    if shown == OPEN_FILTER:
        queryset = queryset.exclude(status=ComplaintStatus.CLOSED)
    elif shown == OVERDUE_FILTER:
        queryset = overdue(queryset)
    elif shown in ComplaintStatus.values:
        queryset = queryset.filter(status=shown)
    if wants_xlsx(request):
        return COMPLAINTS_EXPORT.response(request, queryset.order_by("answer_due", "id"))
    page, query = page_of(request, queryset.order_by("answer_due", "id"), PAGE_SIZE)
    return render(
        request,
        "audits/complaints.html",
        {
            "page": page,
            "query": query,
            "statuses": ComplaintStatus.choices,
            "status": shown,
            "today": clock.today(),
        },
    )


def _links(request: HttpRequest, form: ComplaintForm):
    """The household and case named on the form, looked up in the user's scope."""
    household = application = None
    number = form.cleaned_data.get("household_number", "").strip()
    if number:
        household = households_for(request.user).filter(number=number).first()
        if household is None:
            form.add_error("household_number", _("No such household in your scope."))
    pk = form.cleaned_data.get("application")
    if pk:
        application = applications_for(request.user).filter(pk=pk).select_related("household__township").first()
        if application is None:
            form.add_error("application", _("No such case in your scope."))
    return household, application


@roles_required(*VIEW_ROLES)
def complaint_create_view(request: HttpRequest) -> HttpResponse:
    form = ComplaintForm(request.POST or None, initial={"received_on": clock.today()})
    if request.method == "POST" and form.is_valid():
        household, application = _links(request, form)
        if not form.errors:
            data = services.ComplaintData(
                channel=form.cleaned_data["channel"],
                received_on=form.cleaned_data["received_on"],
                content=form.cleaned_data["content"],
                anonymous=form.cleaned_data["anonymous"],
                reporter_name=form.cleaned_data["reporter_name"],
                reporter_contact=form.cleaned_data["reporter_contact"],
                household=household,
                application=application,
            )
            try:
                complaint = services.complaint_record(actor=request.user, data=data)
            except OutOfScope as exc:
                raise Http404 from exc
            except DomainError as exc:
                add_domain_error(form, exc, request=request)
            else:
                messages.success(request, _("Complaint %(number)s recorded.") % {"number": complaint.number})
                return redirect("audits:complaint", pk=complaint.pk)
    return render(request, "audits/complaint_form.html", {"form": form})


STEPS = {
    "assign": (AssignForm, ComplaintStatus.RECEIVED, ComplaintStatus.INVESTIGATING),
    "findings": (FindingsForm, ComplaintStatus.INVESTIGATING, ComplaintStatus.INVESTIGATED),
    "answer": (AnswerForm, ComplaintStatus.INVESTIGATED),
    "close": (CloseForm, ComplaintStatus.INVESTIGATED, ComplaintStatus.ANSWERED),
}


def _steps_for(user, complaint: Complaint) -> list[str]:
    role = role_of(user)
    steps = [name for name, (_form, *statuses) in STEPS.items() if complaint.status in statuses]
    if role not in services.ASSIGN_ROLES:
        steps = [s for s in steps if s != "assign"]
    if role not in COUNTY_HANDLERS:
        steps = [s for s in steps if s != "close"]
    if role == Role.CASEWORKER and complaint.assigned_to_id != user.pk:
        steps = [s for s in steps if s not in ("findings", "answer")]
    if not services.answerable(complaint):
        steps = [s for s in steps if s != "answer"]
    return steps


def _form(name: str, complaint: Complaint, data=None):
    form_class = STEPS[name][0]
    if form_class is AssignForm:
        return AssignForm(data, township_id=complaint.township_id, prefix=name)
    initial = {"answered_on": clock.today()} if name == "answer" else None
    return form_class(data, prefix=name, initial=initial)


def _run(name: str, request: HttpRequest, complaint: Complaint, data: dict) -> None:
    actor = request.user
    if name == "assign":
        services.complaint_assign(actor=actor, complaint=complaint, assignee=data["assignee"])
    elif name == "findings":
        services.complaint_findings_record(actor=actor, complaint=complaint, **data)
    elif name == "answer":
        services.complaint_answer(actor=actor, complaint=complaint, **data)
    else:
        services.complaint_close(actor=actor, complaint=complaint, **data)


@roles_required(*VIEW_ROLES)
def complaint_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        complaint = complaint_detail(request.user, pk=pk)
    except Complaint.DoesNotExist as exc:
        raise Http404 from exc
    steps = _steps_for(request.user, complaint)
    forms_ = {name: _form(name, complaint) for name in steps}
    if request.method == "POST":
        name = request.POST.get("step", "")
        if name not in steps:
            raise PermissionDenied
        form = forms_[name] = _form(name, complaint, request.POST)
        if form.is_valid():
            try:
                _run(name, request, complaint, form.cleaned_data)
            except OutOfScope as exc:
                raise Http404 from exc
            except DomainError as exc:
                add_domain_error(form, exc, request=request)
            else:
                messages.success(request, _("Saved."))
                return redirect("audits:complaint", pk=complaint.pk)
    return render(
        request,
        "audits/complaint_detail.html",
        {
            "complaint": complaint,
            "reporter": reporter_for(request.user, complaint),
            "forms": forms_,
            "events": complaint.events.all(),
            "today": clock.today(),
            "own_township": township_id_of(request.user),
        },
    )
