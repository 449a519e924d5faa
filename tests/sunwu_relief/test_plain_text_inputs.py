"""Every text input refuses control and bidi-format characters (U+202E …) as a field error: every
form class of the project, every admin form a user can submit and every serializer. The test walks
them all, so a new form or serializer that does not use the shared bases fails here."""

import importlib
import inspect
import json
import pkgutil

import pytest
from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from rest_framework import serializers

from benefits.carehomes.models import CareHome
from benefits.intake.models import Department
from households.models import Household, Member, Township, Village

PROJECT_APPS = ("sunwu_relief", "households", "assessments", "benefits", "audits")
HOSTILE = "张\u202e三"
FORBIDDEN = "forbidden_character"


def _import_project_modules() -> None:
    for app in PROJECT_APPS:
        package = importlib.import_module(app)
        for info in pkgutil.walk_packages(package.__path__, f"{app}."):
            if ".migrations" in info.name or ".management" in info.name or info.name.endswith("test_settings"):
                continue
            importlib.import_module(info.name)


def _subclasses(base: type) -> list[type]:
    found, todo = [], [base]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.__module__.split(".")[0] in PROJECT_APPS:
                found.append(sub)
    return sorted(set(found), key=lambda c: f"{c.__module__}.{c.__qualname__}")


_import_project_modules()
FORM_CLASSES = [c for c in _subclasses(forms.BaseForm) if c.__module__ != "sunwu_relief.forms"]
SERIALIZER_CLASSES = [c for c in _subclasses(serializers.BaseSerializer) if c.__module__ != "sunwu_relief.serializers"]


def _constructor_kwargs(form_class: type) -> dict:
    """Keyword arguments some of our forms need (querysets to choose from, the household)."""
    samples = {
        "villages": lambda: Village.objects.all(),
        "members": lambda: Member.objects.all(),
        "household": lambda: Household.objects.first(),
        "township_id": lambda: Village.objects.first().township_id,
        "application": lambda: None,
        "townships": lambda: Township.objects.all(),
        "homes": lambda: CareHome.objects.all(),
        "departments": lambda: Department.objects.all(),
        "staff": lambda: get_user_model().objects.all(),
    }
    kwargs = {}
    for name, parameter in inspect.signature(form_class.__init__).parameters.items():
        if parameter.kind is parameter.KEYWORD_ONLY and parameter.default is parameter.empty:
            assert name in samples, f"{form_class.__qualname__} needs {name!r}: add a sample to this test"
            kwargs[name] = samples[name]()
    return kwargs


def _text_fields(form: forms.BaseForm) -> list[str]:
    return [
        name
        for name, field in form.fields.items()
        if isinstance(field, forms.CharField) and not isinstance(field.widget, forms.PasswordInput | forms.HiddenInput)
    ]


def _assert_refuses(form: forms.BaseForm, label: str) -> None:
    missing = _accepting(form)
    assert missing == [], f"{label}: {missing} accept U+202E"


def _accepting(form: forms.BaseForm) -> list[str]:
    prefix = f"{form.prefix}-" if form.prefix else ""
    names = _text_fields(form)
    data = {
        f"{prefix}{name}": json.dumps([HOSTILE], ensure_ascii=False)
        if isinstance(form.fields[name], forms.JSONField)
        else HOSTILE
        for name in names
    }
    bound = form.__class__(data=data, files={}, **getattr(form, "_test_kwargs", {}))
    errors = bound.errors.as_data() if not bound.is_valid() else {}
    return [name for name in names if not any(e.code == FORBIDDEN for e in errors.get(name, []))]


@pytest.fixture
def household(household_sunwu) -> Household:
    return household_sunwu


def test_the_walk_finds_the_forms_and_serializers():
    names = {c.__name__ for c in FORM_CLASSES} | {c.__name__ for c in SERIALIZER_CLASSES}
    assert {"MemberForm", "ObjectionForm", "DecisionForm", "LedgerRowSerializer"} <= names


@pytest.mark.parametrize("form_class", FORM_CLASSES, ids=lambda c: f"{c.__module__}.{c.__qualname__}")
def test_every_form_refuses_bidi_and_control_characters(form_class, household):
    kwargs = _constructor_kwargs(form_class)
    form = form_class(**kwargs)
    form._test_kwargs = kwargs
    _assert_refuses(form, form_class.__qualname__)


def _admin_request(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


@pytest.mark.parametrize("who", ["bureau", "superuser"])
def test_every_admin_form_refuses_bidi_and_control_characters(household, bureau_reviewer, who):
    if who == "superuser":
        user = get_user_model().objects.create_superuser("root", password="x-Long-enough-2026")
    else:
        user = bureau_reviewer
    request = _admin_request(user)
    checked = 0
    accepting = []
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in (*PROJECT_APPS, "auth", "axes"):  # the rest: superusers' tools
            continue
        label = type(model_admin).__qualname__
        for obj in (None, model.objects.first()):
            if obj is None and not model_admin.has_add_permission(request):
                continue
            if obj is not None and not model_admin.has_change_permission(request, obj):
                continue
            form_class = model_admin.get_form(request, obj, change=obj is not None)
            if missing := _accepting(form_class(instance=obj)):
                accepting.append(f"{label} ({'change' if obj else 'add'}): {missing}")
            checked += 1
            for inline in model_admin.get_inline_instances(request, obj):
                if inline.has_add_permission(request, obj) or inline.has_change_permission(request, obj):
                    if missing := _accepting(inline.get_formset(request, obj).form()):
                        accepting.append(f"{label} inline {type(inline).__name__}: {missing}")
    assert accepting == [], "\n".join(accepting)
    assert checked >= 2


def _char_fields(serializer: serializers.BaseSerializer) -> dict[str, serializers.Field]:
    fields = {}
    for name, field in serializer.fields.items():
        if field.read_only:
            continue
        if isinstance(field, serializers.CharField):
            fields[name] = field
        elif isinstance(field, serializers.ListField) and isinstance(field.child, serializers.CharField):
            fields[name] = field
    return fields


@pytest.mark.parametrize("serializer_class", SERIALIZER_CLASSES, ids=lambda c: f"{c.__module__}.{c.__qualname__}")
def test_every_serializer_refuses_bidi_and_control_characters(serializer_class, db):
    if serializer_class.text_checked_by:
        return  # see test_ledger_rows_with_a_bidi_character_fail_in_the_job
    serializer = serializer_class()
    fields = _char_fields(serializer)
    if not fields:
        return
    data = {name: [HOSTILE] if isinstance(field, serializers.ListField) else HOSTILE for name, field in fields.items()}
    for name, field in serializer.fields.items():
        if isinstance(field, serializers.FileField) and not field.read_only:
            data[name] = SimpleUploadedFile("x.xlsx", b"x")
    bound = serializer_class(data=data)
    assert not bound.is_valid()
    missing = [name for name in fields if FORBIDDEN not in str(_codes(bound.errors.get(name)))]
    assert missing == [], f"{serializer_class.__qualname__}: {missing} accept U+202E"


def _codes(errors) -> list[str]:
    if errors is None:
        return []
    if isinstance(errors, dict):
        return [c for value in errors.values() for c in _codes(value)]
    if isinstance(errors, list):
        return [c for value in errors for c in _codes(value)]
    return [getattr(errors, "code", "")]


def test_the_member_service_refuses_a_bidi_name_from_any_channel(caseworker_sunwu, household):
    from households import services
    from sunwu_relief.errors import InvalidInput
    from tests.conftest import member_data

    with pytest.raises(InvalidInput) as caught:
        services.member_add(actor=caseworker_sunwu, household=household, data=member_data(name="王\x07五"))
    assert set(caught.value.field_errors) == {"name"}
    with pytest.raises(InvalidInput) as caught:
        services.household_update(
            actor=caseworker_sunwu,
            household=household,
            village=household.village,
            address="一组\u202e1号",
            hukou_number="123",
        )
    assert set(caught.value.field_errors) == {"address"}


def test_a_control_character_in_a_name_typed_in_the_ui_is_a_field_error(client, caseworker_sunwu, household):
    from django.urls import reverse

    client.force_login(caseworker_sunwu)
    response = client.post(
        reverse("households:member-add", args=[household.pk]),
        {"name": "王\u202e五", "id_number": "231124198001010018", "relationship": "son"},
    )
    assert response.status_code == 200
    assert FORBIDDEN in [e.code for e in response.context["form"].errors.as_data()["name"]]
    assert not household.members.filter(name__contains="五").exists()


def test_ledger_rows_with_a_bidi_character_fail_in_the_job(client, poverty_office, django_capture_on_commit_callbacks):
    from knox.models import AuthToken

    from tests.ledger_builders import ledger_row

    _token, key = AuthToken.objects.create(user=poverty_office)
    headers = {"HTTP_AUTHORIZATION": f"Token {key}"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/ledger-imports/", {"rows": [ledger_row(name=HOSTILE)]}, content_type="application/json", **headers
        )
    assert response.status_code == 202
    job = client.get(response.json()["url"], **headers).json()
    assert job["status"] == "failed"
    assert [error["column"] for error in job["errors"]] == ["name"]
