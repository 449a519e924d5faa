from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from sunwu_relief.forms import Form


class PublicComplaintForm(Form):
    content = forms.CharField(
        label=_("What do you want to report?"), widget=forms.Textarea(attrs={"rows": 6}), max_length=5000
    )
    reporter_name = forms.CharField(label=_("Your name (leave empty to stay anonymous)"), max_length=64, required=False)
    reporter_contact = forms.CharField(label=_("How we can reach you (optional)"), max_length=100, required=False)

    def __init__(self, *args, townships: QuerySet, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["township"] = forms.ModelChoiceField(
            label=_("Township"), queryset=townships, required=False, empty_label=_("Not known")
        )
        self.order_fields(["content", "township", "reporter_name", "reporter_contact"])
