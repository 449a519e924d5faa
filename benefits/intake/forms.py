"""Forms of the one-door pages (every text field refuses control characters)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from sunwu_relief.forms import Form, MemberByIdNumberField

from .models import CloseReason, IntakeChannel, IntakeKind, ReferralOutcome
from .services import APPLICATION_PROGRAMMES


class IntakeForm(Form):
    """Who asked, for whom (a member of the registry, or — left empty — the name given), what."""

    channel = forms.ChoiceField(label=_("channel"), choices=IntakeChannel.choices)
    kind = forms.ChoiceField(label=_("kind"), choices=IntakeKind.choices)
    requester_name = forms.CharField(label=_("asked by"), max_length=64)
    requester_relation = forms.CharField(label=_("relation to the person"), max_length=32, required=False)
    requester_phone = forms.CharField(label=_("telephone"), max_length=20, required=False)
    member = MemberByIdNumberField(label=_("For a member of our registry"), required=False)
    person_name = forms.CharField(label=_("Or: the person's name"), max_length=64, required=False)
    person_address = forms.CharField(label=_("address"), max_length=200, required=False)
    request = forms.CharField(label=_("what is asked"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, members, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members


class ApplicationForm(Form):
    programme = forms.ChoiceField(
        label=_("programme"),
        choices=[(p.value, p.label) for p in APPLICATION_PROGRAMMES],
    )


class LinkMemberForm(Form):
    member = MemberByIdNumberField(label=_("Member of our registry"))

    def __init__(self, *args, members, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members


class ReferForm(Form):
    department = forms.ModelChoiceField(label=_("department"), queryset=None)
    handed_over = forms.CharField(label=_("what was handed over"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, departments, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments
        self.fields["department"].label_from_instance = lambda d: f"{d.name}（{d.handles}）" if d.handles else d.name


class AnswerForm(Form):
    outcome = forms.ChoiceField(label=_("outcome"), choices=ReferralOutcome.choices)
    answer = forms.CharField(label=_("the department's answer"), widget=forms.Textarea(attrs={"rows": 2}))
    answered_on = forms.DateField(
        label=_("answered on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class CloseForm(Form):
    reason_code = forms.ChoiceField(label=_("reason"), choices=CloseReason.choices)
    note = forms.CharField(label=_("explanation"), widget=forms.Textarea(attrs={"rows": 2}))
