from django import forms
from django.utils.translation import gettext_lazy as _

from sunwu_relief.forms import Form
from sunwu_relief.text import validate_plain_text

from .models import DisabilityKind, Household, LabourCapacity, Relationship, RemovalReason
from .rules import household_version
from .services import MemberData


class MemberForm(Form):
    name = forms.CharField(label=_("Name"), max_length=64)
    id_number = forms.CharField(label=_("ID number"), max_length=30)
    relationship = forms.ChoiceField(label=_("Relationship to head"), choices=Relationship.choices)
    labour_capacity = forms.ChoiceField(
        label=_("Labour capacity"), choices=[("", _("Not yet assessed")), *LabourCapacity.choices], required=False
    )
    serious_illness = forms.BooleanField(label=_("Serious illness"), required=False)
    illness_note = forms.CharField(label=_("Illness"), max_length=200, required=False)
    disability_kind = forms.ChoiceField(
        label=_("Disability kind"), choices=[("", _("None")), *DisabilityKind.choices], required=False
    )
    disability_grade = forms.TypedChoiceField(
        label=_("Disability grade"),
        choices=[("", "—"), ("1", "一级"), ("2", "二级"), ("3", "三级"), ("4", "四级")],
        coerce=int,
        empty_value=None,
        required=False,
    )
    phone = forms.RegexField(
        label=_("Telephone"),
        regex=r"^[0-9\-+ ]{5,20}$",
        required=False,
        error_messages={"invalid": _("Enter a telephone number of digits.")},
    )

    def __init__(self, *args, household: Household | None = None, member=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if "relationship" not in self.fields:
            return
        # No preselected relationship (the first choice, 户主, made every first save fail), and
        # 户主 is offered only where the household has none or this member is it.
        has_other_head = household is not None and (
            household.members.filter(relationship=Relationship.HEAD).exclude(pk=getattr(member, "pk", None)).exists()
        )
        choices = [c for c in Relationship.choices if not (has_other_head and c[0] == Relationship.HEAD)]
        self.fields["relationship"].choices = [("", _("Choose…")), *choices]

    def member_data(self) -> MemberData:
        data = self.cleaned_data
        return MemberData(
            name=data["name"],
            id_number=data["id_number"],
            relationship=data["relationship"],
            labour_capacity=data["labour_capacity"],
            serious_illness=data["serious_illness"],
            illness_note=data["illness_note"],
            disability_kind=data["disability_kind"],
            disability_grade=data["disability_grade"],
            phone=data["phone"],
        )


class HouseholdForm(Form):
    village = forms.ModelChoiceField(label=_("Village"), queryset=None)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    hukou_number = forms.CharField(label=_("Household registration number"), max_length=32, required=False)
    # The household as the editor saw it (households.services.household_version): a save by someone
    # else in between refuses this one instead of overwriting it. Empty on a new household.
    version = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, villages, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages

    @classmethod
    def for_household(cls, household: Household, *, villages, data=None) -> "HouseholdForm":
        initial = {
            "village": household.village_id,
            "address": household.address,
            "hukou_number": household.hukou_number,
            "version": household_version(household),
        }
        return cls(data, villages=villages, initial=initial)

    def particulars(self) -> dict:
        """The household's fields for the services (the version apart)."""
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


class HeadForm(MemberForm):
    """The head's details when a household is created; the relationship is fixed."""

    prefix = "head"

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["relationship"]

    def member_data(self) -> MemberData:
        self.cleaned_data["relationship"] = Relationship.HEAD
        return super().member_data()


class HouseholdSearchForm(Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=40)
    village = forms.ModelChoiceField(label=_("Village"), queryset=None, required=False, empty_label=_("All"))
    # 建档立卡: "yes" is on the ledger and not declared out of poverty; "out" the ones declared out.
    registered_poor = forms.ChoiceField(
        label=_("Registered poor"),
        required=False,
        choices=[
            ("", _("All")),
            ("true", _("Yes (not out of poverty)")),
            ("out", _("Out of poverty")),
            ("false", _("No")),
        ],
    )

    def __init__(self, *args, villages, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages


class MemberMoveForm(Form):
    """Move a person to another household of the township (e.g. marriage within the county)."""

    to_household = forms.CharField(label=_("Number of the household moved to"), max_length=32)
    relationship = forms.ChoiceField(label=_("Relationship to that household's head"), choices=())
    reason = forms.CharField(
        label=_("Reason for the move"), widget=forms.Textarea(attrs={"rows": 2}), validators=[validate_plain_text]
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["relationship"].choices = [("", _("Choose…")), *Relationship.choices]


class MemberRemoveForm(Form):
    reason = forms.ChoiceField(label=_("Reason for the removal"), choices=[("", _("Choose…")), *RemovalReason.choices])
    removed_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    note = forms.CharField(
        label=_("Note (e.g. death certificate, new address)"),
        max_length=200,
        required=False,
        validators=[validate_plain_text],
    )
