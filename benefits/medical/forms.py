"""The claim form of the medical assistance page (text fields refuse control characters)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from sunwu_relief.forms import Form, MemberByIdNumberField

from .models import ClaimKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _yuan(label) -> forms.DecimalField:
    return forms.DecimalField(label=label, max_digits=12, decimal_places=2, min_value=0)


class ClaimForm(Form):
    member = MemberByIdNumberField(label=_("patient"))
    hospital = forms.CharField(label=_("hospital"), max_length=100)
    kind = forms.ChoiceField(label=_("kind"), choices=ClaimKind.choices)
    treated_on = forms.DateField(label=_("admission or visit date"), widget=DATE)
    discharged_on = forms.DateField(label=_("discharge date"), widget=DATE, required=False)
    total_cost = _yuan(_("total cost"))
    policy_cost = _yuan(_("policy-scope cost"))
    basic_insurance_paid = _yuan(_("basic medical insurance paid"))
    critical_insurance_paid = _yuan(_("critical-illness insurance paid"))
    self_pay = _yuan(_("policy-scope self-pay"))
    settlement_number = forms.CharField(label=_("settlement number"), max_length=64, required=False)

    def __init__(self, *args, members, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members
