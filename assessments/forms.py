from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from households.models import LabourCapacity
from sunwu_relief.forms import Form
from sunwu_relief.roles import TOWNSHIP_ROLES

from .models import AssetKind, IncomeKind, Source
from .services import VisitData

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONEY_ERRORS = {"invalid": _("Enter an amount in yuan."), "min_value": _("The amount cannot be negative.")}


class MemberChoiceForm(Form):
    member = forms.ModelChoiceField(
        label=_("Member"), queryset=None, error_messages={"required": _("Choose a member.")}
    )

    def __init__(self, *args, members, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members


class IncomeForm(MemberChoiceForm):
    kind = forms.ChoiceField(label=_("Kind of income"), choices=IncomeKind.choices)
    monthly_amount = forms.DecimalField(
        label=_("Monthly amount (yuan)"),
        min_value=Decimal("0"),
        max_digits=12,
        decimal_places=2,
        error_messages=MONEY_ERRORS,
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class AssetForm(MemberChoiceForm):
    kind = forms.ChoiceField(label=_("Kind of asset"), choices=AssetKind.choices)
    quantity = forms.DecimalField(
        label=_("Quantity (亩 or count)"),
        min_value=Decimal("0"),
        max_digits=10,
        decimal_places=2,
        initial=1,
        error_messages={"invalid": _("Enter a number."), "min_value": _("The number cannot be negative.")},
    )
    area = forms.DecimalField(
        label=_("Floor area (m²)"),
        min_value=Decimal("0"),
        max_digits=10,
        decimal_places=2,
        required=False,
        error_messages={"invalid": _("Enter a number."), "min_value": _("The number cannot be negative.")},
    )
    value = forms.DecimalField(
        label=_("Value (yuan)"),
        min_value=Decimal("0"),
        max_digits=12,
        decimal_places=2,
        required=False,
        error_messages=MONEY_ERRORS,
    )
    description = forms.CharField(label=_("Description"), max_length=200, required=False)


class AuthorisationForm(Form):
    signed_on = forms.DateField(label=_("Signed on"), widget=DATE_INPUT, error_messages={"invalid": _("Enter a date.")})
    signatory = forms.CharField(label=_("Signed by"), max_length=64)
    scan = forms.FileField(label=_("Signed scan (PDF, JPEG or PNG)"))


class VisitForm(Form):
    visit_date = forms.DateField(
        label=_("Visit date"), widget=DATE_INPUT, error_messages={"invalid": _("Enter a date.")}
    )
    investigators = forms.ModelMultipleChoiceField(
        label=_("Investigators (at least two)"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    housing = forms.CharField(label=_("Housing"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    living_conditions = forms.CharField(
        label=_("Living conditions"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    livestock = forms.CharField(label=_("Livestock"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    equipment = forms.CharField(
        label=_("Equipment and appliances"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    remarks = forms.CharField(label=_("Remarks"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    household_confirmed = forms.BooleanField(label=_("The household confirmed and signed the record"), required=False)
    household_signatory = forms.CharField(label=_("Household member who signed"), max_length=64, required=False)

    def __init__(self, *args, township_id: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["investigators"].queryset = (
            get_user_model()
            .objects.filter(
                is_active=True, staff_profile__township_id=township_id, staff_profile__role__in=TOWNSHIP_ROLES
            )
            .order_by("username")
        )
        self.fields["investigators"].label_from_instance = lambda u: u.get_full_name() or u.username

    def visit_data(self) -> VisitData:
        data = self.cleaned_data
        return VisitData(**{name: data[name] for name in VisitData.__dataclass_fields__})


class AttachmentForm(Form):
    file = forms.FileField(label=_("Photo or signed form (PDF, JPEG or PNG)"))
    caption = forms.CharField(label=_("Caption"), max_length=200, required=False)


class LabourAssessmentForm(Form):
    result = forms.ChoiceField(label=_("Result"), choices=LabourCapacity.choices)
    assessed_on = forms.DateField(
        label=_("Assessed on"), widget=DATE_INPUT, error_messages={"invalid": _("Enter a date.")}
    )
    document = forms.FileField(label=_("Document (PDF, JPEG or PNG)"), required=False)


class DepartmentImportForm(Form):
    source = forms.ChoiceField(label=_("Source"), choices=Source.choices)
    data_date = forms.DateField(
        label=_("Data as of"), widget=DATE_INPUT, error_messages={"invalid": _("Enter a date.")}
    )
    file = forms.FileField(label=_("File (.xlsx)"))
