"""Forms of the audits pages."""

from django import forms
from django.utils.translation import gettext_lazy

from sunwu_relief.forms import Form

from .models import PERSON_RESOLUTIONS, Resolution


class ResolveForm(Form):
    resolution = forms.ChoiceField(
        label=gettext_lazy("What was done"),
        choices=[(value, Resolution(value).label) for value in PERSON_RESOLUTIONS],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=gettext_lazy("Note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
