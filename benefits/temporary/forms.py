"""Forms of the temporary assistance pages (every text field refuses control characters)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from sunwu_relief.forms import Form, MemberByIdNumberField

from .models import GrantForm, TemporaryCause, TemporaryKind


class TemporaryCaseForm(Form):
    """A member of a household of the township, or — left empty — a person without a household in
    our registry, with what is known."""

    member = MemberByIdNumberField(label=_("Member (a household of our registry)"), required=False)
    person_name = forms.CharField(label=_("Or: name of a person from outside"), max_length=64, required=False)
    person_id_number = forms.CharField(label=_("ID number, if known"), max_length=18, required=False)
    person_origin = forms.CharField(label=_("place of origin"), max_length=100, required=False)
    person_phone = forms.CharField(label=_("telephone"), max_length=20, required=False)
    kind = forms.ChoiceField(label=_("kind"), choices=TemporaryKind.choices)
    cause = forms.ChoiceField(label=_("cause"), choices=TemporaryCause.choices)
    circumstances = forms.CharField(label=_("circumstances"), widget=forms.Textarea(attrs={"rows": 3}))
    amount = forms.DecimalField(label=_("amount (yuan)"), max_digits=10, decimal_places=2, min_value=0)
    form = forms.ChoiceField(label=_("given as"), choices=GrantForm.choices)
    in_kind = forms.CharField(label=_("what was given"), max_length=200, required=False)
    emergency_grant = forms.BooleanField(label=_("emergency grant (先行救助)"), required=False)
    requested_at = forms.DateTimeField(
        label=_("requested at (empty: now)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )

    def __init__(self, *args, members, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members


class OpinionForm(Form):
    opinion = forms.CharField(label=_("Opinion"), max_length=500)


class ApproveForm(Form):
    opinion = forms.CharField(label=_("Opinion"), max_length=500)
    late_reason = forms.CharField(
        label=_("Reason for the delay (past the emergency limit)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class EmptyForm(Form):
    pass


class AssessmentForm(Form):
    visited_on = forms.DateField(label=_("home visit on"), widget=forms.DateInput(attrs={"type": "date"}))
    investigators = forms.CharField(label=_("investigators (at least two, separated by 、)"), max_length=200)
    spending = forms.DecimalField(label=_("necessary spending (yuan)"), max_digits=12, decimal_places=2, min_value=0)
    covered = forms.DecimalField(
        label=_("paid by insurance and other help (yuan)"), max_digits=12, decimal_places=2, min_value=0
    )
    own_means = forms.DecimalField(
        label=_("what the household can bear (yuan)"), max_digits=12, decimal_places=2, min_value=0
    )
    findings = forms.CharField(label=_("findings"), widget=forms.Textarea(attrs={"rows": 3}))


class ReviewForm(Form):
    opinion = forms.CharField(label=_("Opinion"), max_length=500)
    amount = forms.DecimalField(
        label=_("proposed amount (yuan; empty: as asked)"), max_digits=10, decimal_places=2, required=False
    )


class ReasonForm(Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class SupplementForm(Form):
    note = forms.CharField(label=_("What was completed"), widget=forms.Textarea(attrs={"rows": 2}))
