"""Staff have real names on papers and timelines; the bureau unlocks a locked-out log-in; the
admin shows words, not raw codes."""

from io import StringIO

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from benefits.models import ApplicationStatus
from sunwu_relief.authz import system
from sunwu_relief.errors import InvalidInput, NotAllowed
from sunwu_relief.labels import action_label, model_label
from sunwu_relief.models import AuditEvent
from sunwu_relief.services import login_unlock, staff_create_or_update

User = get_user_model()
pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_add_user_records_the_real_name(db):
    output = run("add_user", "wangfang", "--role", "caseworker", "--township", "辰清镇", "--name", "王芳")
    user = User.objects.get(username="wangfang")
    assert user.get_full_name() == "王芳"
    assert str(user) == "王芳"
    assert "王芳" in output
    run("add_user", "wangfang", "--role", "caseworker", "--township", "辰清镇", "--name", "王芳芳")
    assert User.objects.get(username="wangfang").get_full_name() == "王芳芳"
    assert AuditEvent.objects.filter(action="staff.rename").count() == 1


def test_a_name_with_control_characters_is_refused(db):
    with pytest.raises(InvalidInput):
        staff_create_or_update(actor=system("test"), username="x", role="auditor", name="王\u202e芳")


def test_a_user_without_a_name_is_shown_by_log_in(db):
    user, _created = staff_create_or_update(actor=system("test"), username="noname", role="auditor")
    assert str(user) == "noname"


def test_timeline_shows_the_real_name_of_who_did_a_step(client, cases):
    staff_create_or_update(
        actor=system("test"),
        username=cases.caseworker.username,
        role="caseworker",
        township=cases.caseworker.staff_profile.township,
        name="李明",
    )
    application = cases.to(ApplicationStatus.ACCEPTED)
    client.force_login(cases.caseworker)
    page = client.get(reverse("benefits:application", args=[application.pk])).content.decode()
    timeline = page.split('data-testid="timeline"')[1]
    assert "李明" in timeline
    assert cases.caseworker.username not in timeline


def test_the_admin_edits_the_real_name(client, bureau_reviewer, db):
    superuser = User.objects.create_superuser("root", password="Strong-pass-2026")
    target, _c = staff_create_or_update(actor=system("test"), username="zhao", role="auditor")
    client.force_login(superuser)
    page = client.get(reverse("admin:auth_user_change", args=[target.pk]))
    assert page.status_code == 200
    assert "first_name" in page.context["adminform"].form.fields
    assert "last_name" not in page.context["adminform"].form.fields
    assert client.get(reverse("admin:auth_user_add")).status_code == 200


def _lock(username: str) -> None:
    AccessAttempt.objects.create(
        username=username,
        ip_address="10.0.0.1",
        user_agent="test",
        http_accept="*/*",
        path_info="/accounts/login/",
        failures_since_start=5,
        get_data="",
        post_data="",
    )


def test_bureau_reviewer_unlocks_a_log_in_and_it_is_audited(bureau_reviewer, caseworker_sunwu):
    _lock(caseworker_sunwu.username)
    assert login_unlock(actor=bureau_reviewer, username=caseworker_sunwu.username) == 1
    assert not AccessAttempt.objects.exists()
    assert AuditEvent.objects.filter(action="login.unlock", actor=bureau_reviewer).exists()


def test_only_the_bureau_may_unlock(auditor, caseworker_sunwu):
    _lock(caseworker_sunwu.username)
    with pytest.raises(NotAllowed):
        login_unlock(actor=auditor, username=caseworker_sunwu.username)
    assert AccessAttempt.objects.count() == 1


def test_unlock_in_the_admin_and_by_command(client, bureau_reviewer, auditor, caseworker_sunwu):
    _lock(caseworker_sunwu.username)
    client.force_login(auditor)
    assert client.get(reverse("admin:axes_accessattempt_changelist")).status_code == 403
    client.force_login(bureau_reviewer)
    assert client.get(reverse("admin:axes_accessattempt_changelist")).status_code == 200
    attempt = AccessAttempt.objects.get()
    response = client.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "unlock", "_selected_action": [attempt.pk]},
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    _lock("someone")
    assert "someone" in run("unlock_user", "someone")
    assert not AccessAttempt.objects.exists()


def test_lock_out_page_says_who_unlocks(client):
    page = client.get("/accounts/login/")  # the template renders on its own too
    assert page.status_code == 200
    from django.template.loader import render_to_string

    html = render_to_string("registration/locked_out.html")
    assert 'data-testid="who-unlocks"' in html


def test_audit_codes_and_model_labels_are_words():
    from django.utils import translation

    with translation.override("en"):
        assert action_label("application.submit") == "Application accepted (受理)"
        assert action_label("made.up") == "made.up"
        assert model_label("benefits.application") == "application"


def test_admin_pages_show_words_not_raw_values(client, cases):
    application = cases.to(ApplicationStatus.APPROVED)
    client.force_login(cases.bureau)
    page = client.get(reverse("admin:benefits_application_change", args=[application.pk])).content.decode()
    assert "孙吴镇" in page
    assert "monthly_standard" not in page
    assert "notice_days" not in page
    benefit = application.benefit
    page = client.get(reverse("admin:benefits_benefit_change", args=[benefit.pk])).content.decode()
    assert "monthly_standard" not in page
    page = client.get(reverse("admin:sunwu_relief_auditevent_changelist")).content.decode()
    assert ">application.county_approve<" not in page.split('id="result_list"')[1]
    history = client.get(reverse("admin:households_household_history", args=[application.household_id]))
    assert history.status_code == 200
    batch = application.spot_check.batch
    page = client.get(reverse("admin:audits_spotcheckbatch_change", args=[batch.pk])).content.decode()
    assert '"programme"' not in page
    assert "孙吴镇" in page


def test_history_shows_changed_fields_and_values_in_words(client, cases, bureau_reviewer):
    from households import services as household_services

    household = cases.household()
    son = household.members.get(relationship="son")
    household_services.member_remove(
        actor=cases.caseworker, member=son, reason="moved_away", removed_on=son.created.date()
    )
    client.force_login(bureau_reviewer)
    page = client.get(reverse("admin:households_member_history", args=[son.pk]))
    assert page.status_code == 200
    changes = page.content.decode().split('id="change-history"')[1]
    assert "removal_reason:" not in changes
    assert "moved_away" not in changes
    assert "None" not in changes


def test_the_lock_out_app_has_a_name_for_the_admin_menu():
    from django.apps import apps
    from django.utils import translation

    with translation.override("en"):
        assert str(apps.get_app_config("axes").verbose_name) == "Log-in protection"
