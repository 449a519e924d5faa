from django import forms
from django.utils.translation import gettext_lazy as _

from sunwu_relief.forms import Form

from .models import CountyVisit, DeliveryMethod, DemocraticEvaluation, Obligor, Programme, ReasonCode

CARE_LEVEL_CHOICES = [
    ("full_self_care", _("Fully able to care for oneself")),
    ("semi_disabled", _("Partly unable to care for oneself")),
    ("fully_disabled", _("Fully unable to care for oneself")),
]


class ApplicationForm(Form):
    programme = forms.ChoiceField(
        label=_("Programme"),
        choices=[(Programme.DIBAO, Programme.DIBAO.label), (Programme.TEKUN, Programme.TEKUN.label)],
    )
    single_member = forms.ModelChoiceField(
        label=_("Person covered alone (特困, or 单人保)"), queryset=None, required=False
    )
    reason = forms.CharField(label=_("Reason for applying"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, household, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["single_member"].queryset = household.members.all()


class CommentForm(Form):
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class RequiredCommentForm(Form):
    comment = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(Form):
    reason_code = forms.ChoiceField(label=_("Reason"), choices=ReasonCode.choices)
    comment = forms.CharField(label=_("Explanation"), widget=forms.Textarea(attrs={"rows": 3}))


class EvaluationForm(Form):
    held_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    place = forms.CharField(label=_("Place"), max_length=120)
    participants = forms.CharField(label=_("Participants"), widget=forms.Textarea(attrs={"rows": 2}))
    participant_count = forms.IntegerField(label=_("Number of participants"), min_value=1, max_value=500)
    votes_for = forms.IntegerField(label=_("Votes for"), min_value=0, max_value=500)
    votes_against = forms.IntegerField(label=_("Votes against"), min_value=0, max_value=500)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=DemocraticEvaluation.Outcome.choices)
    minutes = forms.FileField(label=_("Minutes (scan)"), required=False)


class TownshipApproveForm(Form):
    opinion = forms.CharField(label=_("Township opinion"), widget=forms.Textarea(attrs={"rows": 3}))
    care_level = forms.ChoiceField(label=_("Self-care ability (特困 only)"), choices=CARE_LEVEL_CHOICES, required=False)


class ObjectionForm(Form):
    raised_by = forms.CharField(label=_("Raised by"), max_length=64)
    contact = forms.CharField(label=_("Contact"), max_length=64, required=False)
    raised_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    content = forms.CharField(label=_("Objection"), widget=forms.Textarea(attrs={"rows": 3}))


class ObjectionResolveForm(Form):
    objection = forms.IntegerField(widget=forms.HiddenInput)
    upheld = forms.TypedChoiceField(
        label=_("Outcome of the objection"),
        choices=[("0", _("Dismiss the objection")), ("1", _("Uphold the objection: investigate again"))],
        coerce=lambda value: value == "1",
    )
    resolution = forms.CharField(label=_("Resolution"), widget=forms.Textarea(attrs={"rows": 2}))


class CountyVisitForm(Form):
    visited_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    result = forms.ChoiceField(label=_("Result"), choices=CountyVisit.Result.choices)
    findings = forms.CharField(label=_("Findings"), widget=forms.Textarea(attrs={"rows": 3}))


class ObligorForm(Form):
    name = forms.CharField(label=_("Obligor's name"), max_length=64)
    relation = forms.ChoiceField(label=_("Relation to the applicant"), choices=Obligor.Relation.choices)
    can_support = forms.TypedChoiceField(
        label=_("Able to support"),
        choices=[("0", _("No: unable to support")), ("1", _("Yes: able to support"))],
        coerce=lambda value: value == "1",
    )
    inability = forms.ChoiceField(
        label=_("Why unable"), choices=[("", "—"), *Obligor.Inability.choices], required=False
    )
    note = forms.CharField(
        label=_("Evidence and explanation"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class ObligorRemoveForm(Form):
    obligor = forms.IntegerField(widget=forms.HiddenInput)


class ExtensionForm(Form):
    reason = forms.CharField(
        label=_("Special circumstance needing more time"), widget=forms.Textarea(attrs={"rows": 2})
    )


class DiscrepancyOverrideForm(Form):
    visit = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Why eligibility stands despite the discrepancy"), widget=forms.Textarea(attrs={"rows": 3})
    )


class DeliveryForm(Form):
    delivered_on = forms.DateField(label=_("Delivered on"), widget=forms.DateInput(attrs={"type": "date"}))
    method = forms.ChoiceField(label=_("How"), choices=DeliveryMethod.choices)
    received_by = forms.CharField(label=_("Signed for by"), max_length=64)
    receipt = forms.FileField(label=_("Signed receipt (送达回证), scan"))
