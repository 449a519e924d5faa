"""Township pages of the payments: the payee form of a benefit, the failed payments work list."""

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from households.models import Member
from sunwu_relief.errors import DomainError, OutOfScope
from sunwu_relief.exports import MAX_ROWS, Column, ListExport, wants_xlsx
from sunwu_relief.forms import Form
from sunwu_relief.roles import Role, role_of
from sunwu_relief.ui import add_domain_error, roles_required

from ..models import Bank, Benefit
from ..selectors import benefits_for
from . import services
from .selectors import (
    account_for,
    active_banks,
    failed_payments_for,
    item_payee,
    one_off_payee_of,
    one_off_payments_for,
    payee_of,
)


class PayeeForm(Form):
    member = forms.ModelChoiceField(
        label=gettext_lazy("Member receiving the money"),
        queryset=Member.objects.none(),
        required=False,
        help_text=gettext_lazy("Normally the head of the household; leave empty for a guardian who is not a member."),
    )
    guardian_name = forms.CharField(label=gettext_lazy("Guardian's name"), max_length=64, required=False)
    guardian_id_number = forms.CharField(label=gettext_lazy("Guardian's ID number"), max_length=18, required=False)
    bank = forms.ModelChoiceField(label=gettext_lazy("Bank"), queryset=Bank.objects.filter(active=True))
    account_number = forms.CharField(
        label=gettext_lazy("Account or card number"),
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason (another payee than the head, or a change)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )

    def __init__(self, *args, household, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = household.members.filter(removed_on__isnull=True)


def _benefit(request: HttpRequest, pk: int) -> Benefit:
    benefit = benefits_for(request.user).select_related("household").filter(pk=pk).first()
    if benefit is None:
        raise Http404
    return benefit


@roles_required(Role.CASEWORKER)
def payee_edit_view(request: HttpRequest, benefit_pk: int) -> HttpResponse:
    benefit = _benefit(request, benefit_pk)
    current = payee_of(benefit)
    initial = {}
    if current is not None:
        initial = {"member": current.member_id, "bank": current.bank_id, "account_number": current.account_number}
        if current.member_id is None:
            initial.update(guardian_name=current.name, guardian_id_number=current.id_number)
    else:
        head = benefit.household.members.filter(relationship="head").first()
        initial = {"member": head.pk if head else None}
    form = PayeeForm(request.POST or None, household=benefit.household, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.payee_set(actor=request.user, benefit=benefit, **form.cleaned_data)
        except OutOfScope as exc:
            raise Http404 from exc
        except DomainError as exc:
            add_domain_error(form, exc, request=request)
        else:
            messages.success(request, _("The payee and account were saved."))
            return redirect("households:detail", pk=benefit.household_id)
    return render(request, "benefits/payee_form.html", {"form": form, "benefit": benefit, "payee": current})


def _worked(user, items) -> list:
    """The failed items with what the list shows: the account as this user may see it, and
    whether the account was fixed since the bank's answer."""
    items = list(items)
    for item in items:
        payee = item_payee(item)
        item.shown_account = account_for(user, item.account_number)
        item.fixed = payee is not None and item.result_at is not None and payee.changed > item.result_at
    return items


# The work list's columns as the page shows them (the account masked as it is for this user).
FAILED_EXPORT = ListExport(
    name="failed_payments",
    title=gettext_lazy("Failed payments"),
    columns=(
        Column(gettext_lazy("Month"), lambda i: f"{i.batch.month:%Y-%m}"),
        Column(gettext_lazy("Village"), lambda i: i.village_name),
        Column(gettext_lazy("Head of household"), lambda i: i.head_name),
        Column(gettext_lazy("Payee"), lambda i: i.payee_name),
        Column(gettext_lazy("Account"), lambda i: i.shown_account),
        Column(gettext_lazy("Amount (yuan)"), lambda i: i.amount),
        Column(gettext_lazy("Bank's reason"), lambda i: i.failure_reason),
        Column(gettext_lazy("Account fixed; paid in the next batch"), lambda i: i.fixed),
    ),
)


@roles_required(Role.CASEWORKER, Role.TOWNSHIP_REVIEWER, Role.BUREAU_REVIEWER, Role.AUDITOR)
def failed_payments_view(request: HttpRequest) -> HttpResponse:
    if wants_xlsx(request):
        return FAILED_EXPORT.response(request, _worked(request.user, failed_payments_for(request.user)[:MAX_ROWS]))
    return render(
        request,
        "benefits/failed_payments.html",
        {
            "items": _worked(request.user, failed_payments_for(request.user)[:500]),
            "can_fix": role_of(request.user) == Role.CASEWORKER,
        },
    )


class OneOffPayeeForm(Form):
    bank = forms.ModelChoiceField(label=gettext_lazy("Bank"), queryset=active_banks())
    account_number = forms.CharField(
        label=gettext_lazy("Account or card number"),
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason (a change of account)"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


@roles_required(Role.CASEWORKER)
def one_off_payee_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The account a one-off 临时救助 payment is paid to (entered by the township's caseworker)."""
    payment = one_off_payments_for(request.user).filter(pk=pk).first()
    if payment is None:
        raise Http404
    current = one_off_payee_of(payment)
    initial = {"bank": current.bank_id, "account_number": current.account_number} if current else {}
    form = OneOffPayeeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.one_off_payee_set(actor=request.user, payment=payment, **form.cleaned_data)
        except OutOfScope as exc:
            raise Http404 from exc
        except DomainError as exc:
            add_domain_error(form, exc, request=request)
        else:
            messages.success(request, _("The payee and account were saved."))
            return redirect("benefits:failed-payments")
    return render(request, "benefits/one_off_payee_form.html", {"form": form, "payment": payment, "payee": current})
