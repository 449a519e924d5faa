"""Codes that reach audit pages as plain data (the assistance status) shown as their labels."""

from django import template

from benefits.models import BenefitStatus, Programme

register = template.Library()


@register.filter
def programme_label(code: str) -> str:
    return str(dict(Programme.choices).get(code, code))


@register.filter
def benefit_status_label(code: str) -> str:
    return str(dict(BenefitStatus.choices).get(code, code))
