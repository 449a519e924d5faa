"""Forms of the re-verification and campaign pages (every text field refuses control characters)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from sunwu_relief.forms import Form

from .models import MANUAL_REASONS, CampaignScope


class OpenForm(Form):
    reason = forms.ChoiceField(label=_("reason"), choices=[(r.value, r.label) for r in MANUAL_REASONS])
    note = forms.CharField(label=_("what was reported or found"), widget=forms.Textarea(attrs={"rows": 2}))


class StartForm(Form):
    pass


class ProposeForm(Form):
    suspend = forms.BooleanField(label=_("The household cannot be checked: propose a suspension"), required=False)
    note = forms.CharField(label=_("note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    checker_name = forms.CharField(label=_("checker's signature (name)"), max_length=64, required=False)
    household_signatory = forms.CharField(label=_("household's signature (name)"), max_length=64, required=False)
    signed_on = forms.DateField(label=_("signed on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


class ApproveForm(Form):
    pass


class ReturnForm(Form):
    note = forms.CharField(label=_("what must be investigated again"), widget=forms.Textarea(attrs={"rows": 2}))


class CampaignForm(Form):
    name = forms.CharField(label=_("name"), max_length=120)
    scope = forms.ChoiceField(label=_("scope"), choices=CampaignScope.choices)
    household_numbers = forms.CharField(
        label=_("household numbers (list scope, one per line)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    deployment_starts = forms.DateField(label=_("deployment from"), widget=forms.DateInput(attrs={"type": "date"}))
    implementation_starts = forms.DateField(
        label=_("implementation from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    acceptance_starts = forms.DateField(label=_("acceptance from"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("ends on"), widget=forms.DateInput(attrs={"type": "date"}))


class CheckerForm(Form):
    user = forms.ModelChoiceField(label=_("checker"), queryset=None)

    def __init__(self, *args, staff, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = staff
        self.fields["user"].label_from_instance = lambda user: (
            f"{user.get_full_name() or user.username}（{user.staff_profile.township}）"
        )


class AcceptForm(Form):
    note = forms.CharField(label=_("acceptance note"), widget=forms.Textarea(attrs={"rows": 2}))
