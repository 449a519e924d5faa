"""Forms of the 特困 support pages (every text field refuses control characters)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from sunwu_relief.forms import Form

from .models import CareLevel, PlacementEnd

DATE = forms.DateInput(attrs={"type": "date"})


class SelfCareForm(Form):
    level = forms.ChoiceField(label=_("self-care ability"), choices=CareLevel.choices)
    assessed_on = forms.DateField(label=_("assessed on"), widget=DATE)
    assessed_by = forms.CharField(label=_("assessed by"), max_length=100)
    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class AtHomeForm(Form):
    """Support at home: the carer who signs the care agreement 照料服务协议."""

    start_on = forms.DateField(label=_("from"), widget=DATE)
    carer_name = forms.CharField(label=_("carer"), max_length=64)
    carer_relation = forms.CharField(label=_("carer's relation"), max_length=32, required=False)
    carer_phone = forms.CharField(label=_("carer's telephone"), max_length=20, required=False)
    agreement_signed_on = forms.DateField(label=_("care agreement signed on"), widget=DATE)
    agreement_terms = forms.CharField(
        label=_("care agreement: what the carer does"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class EndForm(Form):
    on = forms.DateField(label=_("until"), widget=DATE)
    reason = forms.ChoiceField(
        label=_("ended because"), choices=[c for c in PlacementEnd.choices if c[0] != PlacementEnd.MOVED]
    )
    note = forms.CharField(label=_("note"), max_length=200, required=False)


class HomePlacementForm(Form):
    """The bureau's placement in a home (admin)."""

    member = forms.ModelChoiceField(label=_("person"), queryset=None)
    home = forms.ModelChoiceField(label=_("home"), queryset=None)
    start_on = forms.DateField(label=_("from"), widget=DATE)
    room = forms.CharField(label=_("room or bed"), max_length=32, required=False)

    def __init__(self, *args, members, homes, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members
        self.fields["member"].label_from_instance = lambda m: f"{m.name}（{m.household.number}）"
        self.fields["home"].queryset = homes
        self.fields["home"].label_from_instance = lambda h: f"{h.name}（{h.capacity - h.occupied}/{h.capacity}）"


class TekunBasicForm(Form):
    basic = forms.DecimalField(label=_("特困 basic living standard (yuan/month)"), max_digits=8, decimal_places=2)
