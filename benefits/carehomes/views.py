"""Pages of 特困 support by place for township staff (county staff read): who is supported at
home, with the carer and the care allowance of the latest self-care assessment; who is not placed
yet; the homes and their free beds; a person's page with its steps (each a POST, one service)."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from households.selectors import members_for
from sunwu_relief import clock
from sunwu_relief.audit import record_access, record_list_access
from sunwu_relief.errors import DomainError, OutOfScope
from sunwu_relief.exports import Column, ListExport, wants_xlsx
from sunwu_relief.roles import Role, role_of
from sunwu_relief.ui import add_domain_error, client_ip, object_or_404, post_only, roles_required

from ..rules import CARE_LEVELS
from .forms import AtHomeForm, EndForm, SelfCareForm
from .models import SupportMode
from .selectors import (
    care_allowance,
    care_homes,
    dispersed_rows,
    paid_care_level,
    placements_for,
    self_care_history,
    supported_persons,
    unplaced_persons,
)
from .services import PlacementData, placement_end, placement_move, placement_start, self_care_assess

READERS = (Role.CASEWORKER, Role.TOWNSHIP_REVIEWER, Role.BUREAU_REVIEWER, Role.AUDITOR)


def _carer(placement) -> str:
    return placement.carer_name + (f"（{placement.carer_relation}）" if placement.carer_relation else "")


# The persons supported at home as the list shows them; a row is (placement, allowance or None).
# The self-care ability is health data: the access log names the persons whose level is shown.
DISPERSED_EXPORT = ListExport(
    name="dispersed_support",
    title=gettext_lazy("Supported at home (分散供养)"),
    columns=(
        Column(gettext_lazy("person"), lambda row: row[0].member.name),
        Column(gettext_lazy("village"), lambda row: row[0].member.household.village.name),
        Column(gettext_lazy("carer"), lambda row: _carer(row[0])),
        Column(gettext_lazy("care agreement signed on"), lambda row: row[0].agreement_signed_on),
        Column(gettext_lazy("from"), lambda row: row[0].start_on),
        Column(
            gettext_lazy("self-care ability"),
            lambda row: row[1].assessment.get_level_display() if row[1] else _("not assessed"),
        ),
        Column(gettext_lazy("care allowance (yuan/month)"), lambda row: row[1].amount if row[1] else None),
    ),
    objects=lambda row: row[0].member if row[1] is not None else None,
)


@roles_required(*READERS)
def care_list_view(request: HttpRequest) -> HttpResponse:
    today = clock.today()
    homes = care_homes(on=today).order_by("township__code", "name")
    rows = dispersed_rows(request.user, on=today)
    if wants_xlsx(request):
        return DISPERSED_EXPORT.response(request, rows, health_data=True)
    # Self-care ability is health data: the page names the persons whose level it shows.
    record_list_access(
        user=request.user,
        objs=[placement.member for placement, allowance in rows if allowance is not None],
        channel="ui",
        full_id_numbers=False,
        health_data=True,
        ip_address=client_ip(request),
    )
    return render(
        request,
        "benefits/care_list.html",
        {
            "rows": rows,
            "unplaced": unplaced_persons(request.user, on=today),
            "homes": [(home, max(0, home.capacity - home.occupied)) for home in homes],
        },
    )


def _person(request: HttpRequest, pk: int):
    return object_or_404(members_for(request.user).select_related("household__village"), pk=pk)


def _steps(request: HttpRequest, current) -> list:
    if role_of(request.user) != Role.CASEWORKER:
        return []
    steps = [("assess", _("Record a self-care assessment"), SelfCareForm())]
    if current is None:
        steps.append(("at-home", _("Support at home"), AtHomeForm()))
    elif current.mode == SupportMode.DISPERSED:
        steps.append(("carer", _("Another carer (a new care agreement)"), AtHomeForm()))
        steps.append(("end", _("End the support at home"), EndForm()))
    return steps


@roles_required(*READERS)
def care_person_view(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    today = clock.today()
    placements = placements_for(request.user).filter(member=person).order_by("-start_on", "-id")
    current = next((p for p in placements if p.end_on is None), None)
    allowance, paid_level = care_allowance(person, on=today), paid_care_level(person)
    context = {
        "person": person,
        "supported": supported_persons(request.user).filter(pk=person.pk).exists(),
        "placements": placements,
        "current": current,
        "assessments": list(self_care_history(person)),
        "allowance": allowance,
        "paid_level": paid_level,
        "paid_level_label": CARE_LEVELS.get(paid_level or "", ""),
        "level_differs": allowance is not None and paid_level is not None and paid_level != allowance.level,
        "steps": _steps(request, current),
    }
    if context["assessments"]:
        record_access(
            user=request.user,
            obj=person,
            channel="ui",
            full_id_numbers=False,
            health_data=True,
            ip_address=client_ip(request),
        )
    return render(request, "benefits/care_person.html", context)


def _at_home(data: dict) -> PlacementData:
    return PlacementData(mode=SupportMode.DISPERSED, **data)


FORMS = {"assess": SelfCareForm, "at-home": AtHomeForm, "carer": AtHomeForm, "end": EndForm}


def _run(request: HttpRequest, person, step: str, data: dict) -> str:
    current = placements_for(request.user).filter(member=person, end_on__isnull=True).first()
    if step == "assess":
        self_care_assess(actor=request.user, member=person, **data)
        return _("The assessment is recorded; the care allowance follows it.")
    if step == "at-home":
        placement_start(actor=request.user, member=person, data=_at_home(data))
        return _("Support at home is recorded.")
    if current is None:
        raise Http404
    if step == "carer":
        placement_move(actor=request.user, placement=current, data=_at_home(data))
        return _("The new carer and care agreement are recorded.")
    placement_end(actor=request.user, placement=current, **data)
    return _("The support at home has ended.")


@roles_required(Role.CASEWORKER)
@post_only(lambda pk, step: reverse("benefits:care-person", args=[pk]))
def care_step_view(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    person = _person(request, pk)
    if step not in FORMS:
        raise Http404
    form = FORMS[step](request.POST)
    if form.is_valid():
        try:
            done = _run(request, person, step, dict(form.cleaned_data))
        except OutOfScope as exc:
            raise Http404 from exc
        except DomainError as exc:
            add_domain_error(form, exc, request=request)
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
        else:
            messages.success(request, done)
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("benefits:care-person", pk=person.pk)
