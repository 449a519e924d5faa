"""The base app's writes name their actor: a user with the right to act, or the system by name
(`system("command:…")`); a forgotten actor (None) is a programming error, never "the system"."""

from io import StringIO

import pytest
from django.core.management import call_command

from sunwu_relief.authz import system
from sunwu_relief.errors import NotAllowed
from sunwu_relief.jobs import job_files_purge
from sunwu_relief.models import AuditEvent
from sunwu_relief.services import api_token_issue, login_unlock, staff_assign, staff_create_or_update

pytestmark = pytest.mark.django_db


def test_a_missing_actor_is_refused_by_every_service(caseworker_sunwu):
    with pytest.raises(TypeError):
        staff_create_or_update(actor=None, username="nobody", role="auditor")
    with pytest.raises(TypeError):
        staff_assign(actor=None, user=caseworker_sunwu, role="auditor")
    with pytest.raises(TypeError):
        login_unlock(actor=None, username=caseworker_sunwu.username)
    with pytest.raises(TypeError):
        api_token_issue(actor=None, user=caseworker_sunwu)
    with pytest.raises(TypeError):
        job_files_purge(actor=None)


def test_township_staff_cannot_manage_accounts(caseworker_sunwu, auditor):
    with pytest.raises(NotAllowed) as caught:
        staff_assign(actor=caseworker_sunwu, user=auditor, role="caseworker")
    assert caught.value.code == "staff.not_allowed"
    with pytest.raises(NotAllowed) as caught:
        api_token_issue(actor=auditor, user=caseworker_sunwu)
    assert caught.value.code == "api_token.issue_not_allowed"


def test_the_bureau_issues_a_token_and_only_its_prefix_is_audited(bureau_reviewer, poverty_office):
    issued = api_token_issue(actor=bureau_reviewer, user=poverty_office)
    event = AuditEvent.objects.get(action="api_token.issue")
    assert event.actor == bureau_reviewer
    assert issued.token.startswith(event.detail["token_prefix"])
    assert issued.token not in str(event.detail)


def test_only_the_system_purges_job_files(bureau_reviewer):
    with pytest.raises(NotAllowed):
        job_files_purge(actor=bureau_reviewer)
    assert job_files_purge(actor=system("test")) == 0


def test_a_command_is_audited_as_the_named_system(poverty_office):
    call_command("issue_api_token", "poverty", stdout=StringIO())
    event = AuditEvent.objects.get(action="api_token.issue")
    assert event.actor is None
    assert event.detail["system"] == "command:issue_api_token"
