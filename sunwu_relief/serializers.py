"""Serializer bases for every serializer of the project: writable text fields refuse control and
format characters (U+202E …) with a 400 naming the field, like the forms (`sunwu_relief.forms`)."""

from rest_framework import serializers

from .text import validate_multiline_text, validate_plain_text

TEXT_VALIDATORS = (validate_plain_text, validate_multiline_text)


def guard_text_serializer_field(field: serializers.Field) -> serializers.Field:
    """Add the refused-characters validator to a writable text field (or a list of them), once."""
    if isinstance(field, serializers.ListField):
        guard_text_serializer_field(field.child)
        return field
    if field.read_only or not isinstance(field, serializers.CharField):
        return field
    multiline = field.style.get("base_template") == "textarea.html"
    validator = validate_multiline_text if multiline else validate_plain_text
    if not any(v in field.validators for v in TEXT_VALIDATORS):
        field.validators = [*field.validators, validator]
    return field


class PlainTextSerializerMixin:
    # Set (to where) on a serializer whose text values a later step checks and reports in its own
    # form, e.g. a ledger row's values, reported by the import job with their row and column.
    text_checked_by: str = ""

    def get_fields(self):
        fields = super().get_fields()
        if self.text_checked_by:
            return fields
        for field in fields.values():
            guard_text_serializer_field(field)
        return fields


class Serializer(PlainTextSerializerMixin, serializers.Serializer):
    pass


class ModelSerializer(PlainTextSerializerMixin, serializers.ModelSerializer):
    pass
