"""Browser pages of the registry, for township staff (docs/interfaces.md §8)."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sunwu_relief.audit import record_access
from sunwu_relief.errors import DomainError, OutOfScope
from sunwu_relief.exports import Column, ListExport, wants_xlsx
from sunwu_relief.refusals import is_refusal, record_refusal
from sunwu_relief.roles import Role, can_see_full_id, can_see_health_data, role_of
from sunwu_relief.ui import add_domain_error, client_ip, object_or_404, page_of, roles_required

from . import services
from .forms import HeadForm, HouseholdForm, HouseholdSearchForm, MemberForm, MemberMoveForm, MemberRemoveForm
from .selectors import (
    filter_by_ledger,
    household_details_for,
    household_list,
    households_for,
    ledger_view,
    members_for,
    removed_members,
    villages_for,
)

STAFF_ROLES = (Role.CASEWORKER, Role.TOWNSHIP_REVIEWER, Role.BUREAU_REVIEWER, Role.AUDITOR)
PAGE_SIZE = 25


def _poor_label(household) -> str:
    if not household.registered_poor:
        return ""
    return _("Out of poverty") if household.out_of_poverty else _("Yes")


# The list's columns as the page shows them (heads' ID numbers masked, as lists always are).
HOUSEHOLDS_EXPORT = ListExport(
    name="households",
    title=gettext_lazy("Households"),
    columns=(
        Column(gettext_lazy("Household number"), lambda h: h.number),
        Column(gettext_lazy("Village"), lambda h: h.village.name),
        Column(gettext_lazy("Head of household"), lambda h: "、".join(head.name for head in h.heads)),
        Column(gettext_lazy("ID number"), lambda h: "、".join(head.masked_id_number for head in h.heads)),
        Column(gettext_lazy("Members"), lambda h: h.size),
        Column(gettext_lazy("Registered poor"), _poor_label),
    ),
)


@roles_required(*STAFF_ROLES)
def household_list_view(request: HttpRequest) -> HttpResponse:
    villages = villages_for(request.user)
    form = HouseholdSearchForm(request.GET or None, villages=villages)
    queryset = household_list(request.user)
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            queryset = household_list(request.user, search=data["q"])
        if data["village"]:
            queryset = queryset.filter(village=data["village"])
        if data["registered_poor"] == "true":
            queryset = filter_by_ledger(queryset, registered_poor=True, out_of_poverty=False)
        elif data["registered_poor"] == "out":
            queryset = filter_by_ledger(queryset, registered_poor=True, out_of_poverty=True)
        elif data["registered_poor"] == "false":
            queryset = filter_by_ledger(queryset, registered_poor=False)
    if wants_xlsx(request):
        return HOUSEHOLDS_EXPORT.response(request, queryset.order_by("number"))
    page, query = page_of(request, queryset.order_by("number"), PAGE_SIZE)
    return render(
        request,
        "households/list.html",
        {
            "form": form,
            "page": page,
            "query": query,
            "full_ids": can_see_full_id(request.user) and False,  # lists always mask (least exposure)
            "can_edit": role_of(request.user) in services.REGISTRY_EDITORS,
        },
    )


@roles_required(*STAFF_ROLES)
def household_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    household = object_or_404(household_details_for(request.user), pk=pk)
    full_ids = can_see_full_id(request.user)
    health = can_see_health_data(request.user)
    record_access(
        user=request.user,
        obj=household,
        channel="ui",
        full_id_numbers=full_ids,
        health_data=health,
        ip_address=client_ip(request),
    )
    return render(
        request,
        "households/detail.html",
        {
            "household": household,
            "members": household.members.all(),
            "full_ids": full_ids,
            "health": health,
            "can_edit": role_of(request.user) in services.REGISTRY_EDITORS,
            "moves": household.moves_in.select_related("member", "from_household", "actor")[:20],
            "moves_out": household.moves_out.select_related("member", "to_household", "actor")[:20],
            "removed": removed_members(household),
            # Ledger view beside ours (ledger issue): the poverty office's records of these people.
            "ledger_lines": ledger_view(request.user, household, list(household.members.all())),
        },
    )


@roles_required(Role.CASEWORKER)
def household_create_view(request: HttpRequest) -> HttpResponse:
    villages = villages_for(request.user)
    form = HouseholdForm(request.POST or None, villages=villages)
    head_form = HeadForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and head_form.is_valid():
        try:
            household = services.household_create(
                actor=request.user,
                village=form.cleaned_data["village"],
                address=form.cleaned_data["address"],
                hukou_number=form.cleaned_data["hukou_number"],
                head=head_form.member_data(),
            )
        except OutOfScope as exc:
            raise Http404 from exc
        except DomainError as exc:
            _split_head_errors(request, exc, form, head_form)
        else:
            messages.success(request, _("Household %(number)s was created.") % {"number": household.number})
            return redirect("households:detail", pk=household.pk)
    return render(request, "households/household_form.html", {"form": form, "head_form": head_form})


def _split_head_errors(request: HttpRequest, exc: DomainError, form: HouseholdForm, head_form: HeadForm) -> None:
    if is_refusal(exc):
        record_refusal(request, status=exc.status_code, exc=exc)  # once, with the error's own codes
    head_errors = {k.removeprefix("head_"): v for k, v in exc.field_errors.items() if k.startswith("head_")}
    other = {k: v for k, v in exc.field_errors.items() if not k.startswith("head_")}
    if head_errors:
        add_domain_error(head_form, DomainError(exc.message, field_errors=head_errors), request=None)
    if other or not head_errors:
        add_domain_error(form, DomainError(exc.message, field_errors=other), request=None)


@roles_required(Role.CASEWORKER)
def household_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    household = object_or_404(household_details_for(request.user), pk=pk)
    form = HouseholdForm.for_household(household, villages=villages_for(request.user), data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.household_update(
                actor=request.user,
                household=household,
                seen_version=form.cleaned_data["version"] or None,
                **form.particulars(),
            )
        except OutOfScope as exc:
            raise Http404 from exc
        except DomainError as exc:
            add_domain_error(form, exc, request=request)
        else:
            messages.success(request, _("The household was saved."))
            return redirect("households:detail", pk=household.pk)
    return render(request, "households/household_form.html", {"form": form, "household": household})


@roles_required(Role.CASEWORKER)
def member_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    household = object_or_404(household_details_for(request.user), pk=pk)
    form = MemberForm(request.POST or None, household=household)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_add(actor=request.user, household=household, data=form.member_data())
        except OutOfScope as exc:
            raise Http404 from exc
        except DomainError as exc:
            add_domain_error(form, exc, request=request)
        else:
            messages.success(request, _("The member was added."))
            return redirect("households:detail", pk=household.pk)
    return render(request, "households/member_form.html", {"form": form, "household": household})


@roles_required(Role.CASEWORKER)
def member_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    member = object_or_404(members_for(request.user).select_related("household"), pk=pk)
    initial = {name: getattr(member, name) for name in services.MEMBER_FIELDS}
    form = MemberForm(request.POST or None, initial=initial, household=member.household, member=member)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_update(actor=request.user, member=member, data=form.member_data())
        except OutOfScope as exc:
            raise Http404 from exc
        except DomainError as exc:
            add_domain_error(form, exc, request=request)
        else:
            messages.success(request, _("The member was saved."))
            return redirect("households:detail", pk=member.household_id)
    # The form carries the person's full ID number and health data.
    record_access(
        user=request.user,
        obj=member,
        channel="ui",
        full_id_numbers=True,
        health_data=True,
        ip_address=client_ip(request),
    )
    return render(
        request, "households/member_form.html", {"form": form, "household": member.household, "member": member}
    )


@roles_required(Role.CASEWORKER)
def member_move_view(request: HttpRequest, pk: int) -> HttpResponse:
    member = object_or_404(members_for(request.user).select_related("household"), pk=pk)
    form = MemberMoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        target = households_for(request.user).filter(number=data["to_household"].strip()).first()
        if target is None:
            form.add_error("to_household", _("No household of your township has this number."))
        else:
            try:
                services.member_move(
                    actor=request.user,
                    member=member,
                    to_household=target,
                    relationship=data["relationship"],
                    reason=data["reason"],
                )
            except OutOfScope as exc:
                raise Http404 from exc
            except DomainError as exc:
                add_domain_error(form, exc, request=request)
            else:
                messages.success(
                    request,
                    _("%(name)s was moved to household %(number)s.") % {"name": member.name, "number": target.number},
                )
                return redirect("households:detail", pk=target.pk)
    return render(
        request,
        "households/member_action.html",
        {"form": form, "member": member, "household": member.household, "title": _("Move to another household")},
    )


@roles_required(Role.CASEWORKER)
def member_remove_view(request: HttpRequest, pk: int) -> HttpResponse:
    member = object_or_404(members_for(request.user).select_related("household"), pk=pk)
    form = MemberRemoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_remove(actor=request.user, member=member, **form.cleaned_data)
        except OutOfScope as exc:
            raise Http404 from exc
        except DomainError as exc:
            add_domain_error(form, exc, request=request)
        else:
            messages.success(request, _("%(name)s was removed from the household.") % {"name": member.name})
            return redirect("households:detail", pk=member.household_id)
    return render(
        request,
        "households/member_action.html",
        {"form": form, "member": member, "household": member.household, "title": _("Remove from the household")},
    )
