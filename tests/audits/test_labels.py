"""Benefit codes on the finding page are shown as their labels, not as `dibao · active`."""

from django.template import Context, Template
from django.utils import translation


def test_programme_and_status_codes_render_as_labels():
    template = Template("{% load audit_labels %}{{ p|programme_label }} · {{ s|benefit_status_label }}")
    with translation.override("en"):
        text = template.render(Context({"p": "dibao", "s": "active"}))
    assert text == "Minimum living allowance (低保) · Active"
    assert "dibao" not in text
