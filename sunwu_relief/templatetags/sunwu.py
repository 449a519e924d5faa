"""Template helpers: history values and audit labels in words."""

from django import template

from sunwu_relief.labels import field_label, field_value

register = template.Library()


@register.simple_tag
def history_field(record, name: str) -> str:
    """The label of a field of a historical record's model."""
    return field_label(record.instance_type, name)


@register.simple_tag
def history_value(record, name: str, value) -> str:
    """A historical value (a choice code, None, a foreign key's id) as a person reads it."""
    return field_value(record.instance_type, name, value)
