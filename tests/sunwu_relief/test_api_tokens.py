"""API tokens can be revoked: by command, by the county bureau in the admin, or when a new one is
issued with --revoke-old; each revocation is audited and the token answers 401 at once."""

from io import StringIO

import pytest
from django.core.management import call_command
from knox.models import AuthToken

from sunwu_relief.errors import NotAllowed
from sunwu_relief.models import AuditEvent
from sunwu_relief.services import api_tokens_revoke


def _works(client, key: str) -> bool:
    return client.get("/api/v1/households/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200


def test_the_command_revokes_every_token_of_the_user(client, poverty_office):
    keys = [AuthToken.objects.create(user=poverty_office)[1] for _ in range(2)]
    assert all(_works(client, key) for key in keys)
    out = StringIO()
    call_command("revoke_api_tokens", "poverty", stdout=out)
    assert "revoked 2" in out.getvalue()
    assert not any(_works(client, key) for key in keys)
    assert AuditEvent.objects.filter(action="api_token.revoke").exists()


def test_a_new_token_keeps_the_old_unless_asked(client, poverty_office):
    _instance, old = AuthToken.objects.create(user=poverty_office)
    out = StringIO()
    call_command("issue_api_token", "poverty", stdout=out)
    assert _works(client, old)
    call_command("issue_api_token", "poverty", "--revoke-old", stdout=out)
    new = out.getvalue().strip().splitlines()[-1]
    assert not _works(client, old)
    assert _works(client, new)


def test_only_the_county_bureau_revokes(poverty_office, auditor, bureau_reviewer):
    AuthToken.objects.create(user=poverty_office)
    with pytest.raises(NotAllowed) as refused:
        api_tokens_revoke(actor=auditor, user=poverty_office)
    assert refused.value.code == "api_token.revoke_not_allowed"
    assert AuthToken.objects.filter(user=poverty_office).count() == 1
    assert api_tokens_revoke(actor=bureau_reviewer, user=poverty_office) == 1


def test_the_admin_action_revokes_for_the_county_administrator_only(client, poverty_office, admin_user, auditor):
    """The user admin belongs to the county's administrators (superusers): they revoke there."""
    _instance, key = AuthToken.objects.create(user=poverty_office)
    url = "/admin/auth/user/"
    data = {"action": "revoke_api_tokens", "_selected_action": [poverty_office.pk]}
    client.force_login(auditor)
    assert client.post(url, data).status_code == 403
    assert _works(client, key)
    client.force_login(admin_user)
    response = client.post(url, data)
    assert response.status_code == 302
    assert not _works(client, key)
    event = AuditEvent.objects.get(action="api_token.revoke")
    assert event.actor == admin_user
