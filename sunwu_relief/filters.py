"""API query filters that answer a value they cannot use with a 400 (as the schema promises),
instead of dropping the filter silently: `?registered_poor=null`, `?programme=` (empty)."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _


class StrictBooleanFormField(forms.Field):
    """`true` or `false`; absent: no filter."""

    widget = forms.TextInput

    def clean(self, value: object) -> bool | None:
        if value is None:
            return None
        text = str(value).strip().lower()
        if text not in ("true", "false"):
            raise forms.ValidationError(_("Enter true or false."), code="invalid")
        return text == "true"


class StrictChoiceFormField(forms.ChoiceField):
    """One of the choices; absent: no filter; present but empty: a 400."""

    def clean(self, value: object) -> str:
        if value == "":
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
            )
        return super().clean(value)


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanFormField


class StrictChoiceFilter(django_filters.ChoiceFilter):
    field_class = StrictChoiceFormField
