"""Form bases for every form of the project: text fields refuse control and format characters.

`Form` and `ModelForm` (and `PlainTextAdminMixin` for the admin's generated forms) put
`validate_plain_text` on every text field, or `validate_multiline_text` on a text area, so that a
name with U+202E or a control character is a field error at entry instead of a broken payment
roll later. Password fields are left alone: they are never shown or exported.
`tests/sunwu_relief/test_plain_text_inputs.py` walks every form, admin form and serializer.
"""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .text import validate_multiline_text, validate_plain_text


def validate_json_text(value: Any) -> None:
    """Every string inside a JSON value (lists and objects walked) is plain text."""
    if isinstance(value, str):
        validate_plain_text(value)
    elif isinstance(value, list | tuple):
        for item in value:
            validate_json_text(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            validate_json_text(key)
            validate_json_text(item)


TEXT_VALIDATORS = (validate_plain_text, validate_multiline_text, validate_json_text)


def guard_text_field(field: forms.Field) -> forms.Field:
    """Add the refused-characters validator that fits `field` (once); other fields are unchanged."""
    if not isinstance(field, forms.CharField) or isinstance(field.widget, forms.PasswordInput):
        return field
    if isinstance(field, forms.JSONField):
        validator = validate_json_text
    elif isinstance(field.widget, forms.Textarea):
        validator = validate_multiline_text
    else:
        validator = validate_plain_text
    if not any(v in field.validators for v in TEXT_VALIDATORS):
        field.validators.append(validator)
    return field


class PlainTextFormMixin:
    """For any Django form class: every text field refuses control and format characters."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            guard_text_field(field)


class Form(PlainTextFormMixin, forms.Form):
    pass


class ModelForm(PlainTextFormMixin, forms.ModelForm):
    pass


class PlainTextAdminMixin:
    """For a ModelAdmin or an inline: its forms (generated from the model, or the `form` /
    `add_form` it names, Django's user forms included) refuse them too."""

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return _guarded(form)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = _guarded(formset.form)
        return formset


def _guarded(form_class: type) -> type:
    if issubclass(form_class, PlainTextFormMixin):
        return form_class
    return type(form_class.__name__, (PlainTextFormMixin, form_class), {"__module__": form_class.__module__})


class MemberByIdNumberField(forms.ModelChoiceField):
    """A member of `queryset` named by the full ID number typed in: a text box, not a list of
    every member in scope (a county's 140,000 members made a <select> of many megabytes, and
    seconds a page). The queryset must hold current members only (their ID numbers are unique)."""

    def __init__(self, *, queryset=None, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.TextInput(attrs={"maxlength": 18, "autocomplete": "off"}))
        kwargs.setdefault("help_text", _("The full ID number of a member of our registry."))
        super().__init__(queryset=queryset, to_field_name="id_number", **kwargs)

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip().upper()  # a final check character typed as a small x
        return super().to_python(value)
