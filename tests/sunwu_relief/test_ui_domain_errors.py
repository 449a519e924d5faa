"""The pages' one mapping of a service's refusal: on the form, except out of scope, a 404."""

import pytest
from django import forms
from django.http import Http404
from django.test import RequestFactory

from sunwu_relief.errors import InvalidInput, OutOfScope
from sunwu_relief.ui import form_domain_error


class _Form(forms.Form):
    reason = forms.CharField()


def _bound_form() -> _Form:
    form = _Form({"reason": "x"})
    assert form.is_valid()
    return form


def test_out_of_scope_is_not_found_not_a_form_error():
    form = _bound_form()
    with pytest.raises(Http404):
        form_domain_error(form, OutOfScope(), request=RequestFactory().post("/"))
    assert not form.errors


def test_bad_input_lands_on_its_field():
    form = _bound_form()
    exc = InvalidInput(field_errors={"reason": ["too short"]})
    form_domain_error(form, exc, request=RequestFactory().post("/"))
    assert form.errors == {"reason": ["too short"]}
