"""Two-factor log-in (等保 level 3, docs/security.md): county staff and administrators enrol an
authenticator app and enter its code after the password; township staff are not asked (unless
the setting says so). The suite runs with OTP_REQUIRED off; these tests turn it on."""

import re
import time
from base64 import b32decode
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken

from sunwu_relief.errors import InvalidInput, NotAllowed, RateLimited
from sunwu_relief.models import AuditEvent
from sunwu_relief.services import api_token_issue, otp_devices_reset
from sunwu_relief.two_factor.services import totp_enrol_confirm, totp_enrol_start, totp_verify
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("otp_on")]

ENROL = "/accounts/two-factor/enrol/"
VERIFY = "/accounts/two-factor/verify/"


@pytest.fixture
def otp_on():
    with override_settings(OTP_REQUIRED=True, OTP_REQUIRED_FOR_TOWNSHIP=False):
        yield


def code_for(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code the user's app shows (`steps_ahead` 30-second steps later: a code is accepted once)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def enrolled(user) -> TOTPDevice:
    """A confirmed device, enrolled through the services as the enrolment page does."""
    device = totp_enrol_start(user=user)
    return totp_enrol_confirm(user=user, device_id=device.pk, token=code_for(device))


def verified_login(client, user, device: TOTPDevice) -> None:
    """A session that has entered the code (what the verify page leaves in the session)."""
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def events(action: str, user) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action, object_id=str(user.pk)).order_by("pk"))


# --- enrolment ------------------------------------------------------------------------------


def test_password_log_in_sends_a_county_user_to_enrol(client, bureau_reviewer):
    response = client.post("/accounts/login/", {"username": bureau_reviewer.username, "password": PASSWORD})
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"] == f"{ENROL}?next=%2F"


def test_enrolment_shows_a_secret_once_and_a_right_code_lets_the_user_in(client, bureau_reviewer):
    client.force_login(bureau_reviewer)
    page = client.get(f"{ENROL}?next=/households/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'src="data:image/svg+xml;base64,' in html
    secret = re.search(r'data-testid="two-factor-secret">([A-Z2-7 ]+)<', html).group(1).replace(" ", "")
    device = TOTPDevice.objects.get(user=bureau_reviewer)
    assert b32decode(secret) == device.bin_key
    assert not device.confirmed

    # Reloading the page makes a new secret: the first one is never shown again.
    client.get(ENROL)
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    device = TOTPDevice.objects.get(user=bureau_reviewer)

    wrong = client.post(ENROL, {"token": "000000" if code_for(device) != "000000" else "111111"})
    assert wrong.status_code == 200
    assert "token" in wrong.context["form"].errors
    assert client.get("/").status_code == 302  # still not in

    device.refresh_from_db()
    device.throttle_reset()  # the wrong code's one-second wait, not what this test is about
    right = client.post(ENROL, {"token": code_for(device), "next": "/households/"})
    assert right.status_code == 302
    assert right["Location"] == "/households/"
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert client.get("/").status_code == 200
    assert [e.success for e in events("otp.enrol", bureau_reviewer)] == [False, True]
    assert events("otp.enrol", bureau_reviewer)[0].detail["reason"] == "wrong_code"


def test_a_user_with_a_device_is_asked_for_the_code_not_to_enrol(client, bureau_reviewer):
    enrolled(bureau_reviewer)
    client.force_login(bureau_reviewer)
    response = client.get("/households/")
    assert response["Location"] == f"{VERIFY}?next=%2Fhouseholds%2F"
    assert client.get(ENROL)["Location"].startswith(VERIFY)


# --- every log-in ---------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/", "/households/", "/admin/", "/admin/auth/user/", "/statistics/"])
def test_no_page_before_the_code(client, bureau_reviewer, url):
    enrolled(bureau_reviewer)
    client.force_login(bureau_reviewer)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY)


def test_the_api_refuses_a_session_without_the_code(client, bureau_reviewer):
    enrolled(bureau_reviewer)
    client.force_login(bureau_reviewer)
    response = client.get("/api/v1/households/")
    assert response.status_code == 403
    assert response.json()["code"] == "otp.required"


def test_a_wrong_code_is_refused_and_a_right_one_lets_the_user_in(client, bureau_reviewer):
    device = enrolled(bureau_reviewer)
    client.force_login(bureau_reviewer)
    right = code_for(device, steps_ahead=1)
    wrong = client.post(VERIFY, {"token": "123456" if right != "123456" else "654321", "next": "/admin/"})
    assert wrong.status_code == 200
    assert "token" in wrong.context["form"].errors
    assert client.get("/admin/").status_code == 302

    device.refresh_from_db()
    device.throttle_reset()
    response = client.post(VERIFY, {"token": right, "next": "/admin/"})
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert client.get("/api/v1/households/").status_code == 200
    verifications = events("otp.verify", bureau_reviewer)
    assert [e.success for e in verifications] == [False, True]
    assert verifications[0].detail["reason"] == "wrong_code"


def test_a_code_is_accepted_only_once(client, bureau_reviewer):
    device = enrolled(bureau_reviewer)
    code = code_for(device, steps_ahead=1)
    client.force_login(bureau_reviewer)
    assert client.post(VERIFY, {"token": code}).status_code == 302
    other = type(client)()
    other.force_login(bureau_reviewer)
    device.refresh_from_db()
    assert other.post(VERIFY, {"token": code}).status_code == 200  # replayed: refused


def test_wrong_codes_are_throttled(client, bureau_reviewer, monkeypatch):
    device = enrolled(bureau_reviewer)
    client.force_login(bureau_reviewer)
    right = code_for(device, steps_ahead=1)
    wrong = "123456" if right != "123456" else "654321"
    for _ in range(3):
        client.post(VERIFY, {"token": wrong})
    # Straight after wrong codes even the right code is refused (django-otp's back-off).
    refused = client.post(VERIFY, {"token": right})
    assert refused.status_code == 200
    assert events("otp.verify", bureau_reviewer)[-1].detail["reason"] == "throttled"
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # a throttled try is not counted as a wrong one
    # Once the wait is over, the right code works.
    later = timezone.now() + timedelta(seconds=5)
    monkeypatch.setattr("django_otp.models.timezone.now", lambda: later)
    assert client.post(VERIFY, {"token": right}).status_code == 302


def test_a_throttled_code_is_a_rate_limited_error(bureau_reviewer):
    device = enrolled(bureau_reviewer)
    right = code_for(device, steps_ahead=1)
    with pytest.raises(InvalidInput) as wrong:
        totp_verify(user=bureau_reviewer, token="123456" if right != "123456" else "654321")
    assert wrong.value.code == "otp.invalid"
    with pytest.raises(RateLimited) as throttled:
        totp_verify(user=bureau_reviewer, token=right)
    assert throttled.value.code == "otp.throttled"


def test_next_never_leaves_the_site(client, bureau_reviewer):
    device = enrolled(bureau_reviewer)
    client.force_login(bureau_reviewer)
    response = client.post(VERIFY, {"token": code_for(device, steps_ahead=1), "next": "https://evil.example/"})
    assert response["Location"] == "/"


# --- who is asked ---------------------------------------------------------------------------


def test_a_township_caseworker_is_not_asked(client, caseworker_sunwu):
    client.force_login(caseworker_sunwu)
    assert client.get("/").status_code == 200
    assert client.get("/households/").status_code == 200
    assert client.get(ENROL).status_code == 404
    assert not TOTPDevice.objects.filter(user=caseworker_sunwu).exists()


def test_township_staff_are_asked_when_the_setting_says_so(client, caseworker_sunwu):
    client.force_login(caseworker_sunwu)
    with override_settings(OTP_REQUIRED_FOR_TOWNSHIP=True):
        assert client.get("/households/")["Location"].startswith(ENROL)


@pytest.mark.parametrize("persona", ["auditor", "poverty_office"])
def test_every_county_role_is_asked(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get("/")["Location"].startswith(ENROL)


def test_a_superuser_is_asked(client, django_user_model):
    admin = django_user_model.objects.create_superuser("root", password=PASSWORD)
    client.force_login(admin)
    assert client.get("/admin/")["Location"].startswith(ENROL)


def test_switched_off_nobody_is_asked(client, bureau_reviewer):
    client.force_login(bureau_reviewer)
    with override_settings(OTP_REQUIRED=False):
        assert client.get("/").status_code == 200


# --- API tokens -----------------------------------------------------------------------------


def test_a_token_is_issued_only_from_a_verified_session(bureau_reviewer, poverty_office):
    bureau_reviewer.is_verified = lambda: False  # what django-otp's middleware installs
    with pytest.raises(NotAllowed) as refused:
        api_token_issue(actor=bureau_reviewer, user=poverty_office)
    assert refused.value.code == "otp.required"
    assert not AuthToken.objects.filter(user=poverty_office).exists()
    bureau_reviewer.is_verified = lambda: True
    assert api_token_issue(actor=bureau_reviewer, user=poverty_office).token


def test_the_operators_command_issues_a_token_and_the_machine_needs_no_code(client, poverty_office):
    out = StringIO()
    call_command("issue_api_token", poverty_office.username, stdout=out)
    token = out.getvalue().strip().splitlines()[-1]
    response = client.get("/api/v1/households/", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200


# --- reset ----------------------------------------------------------------------------------


def test_the_bureau_resets_a_lost_device_and_the_user_enrols_again(client, bureau_reviewer, auditor):
    enrolled(auditor)
    with pytest.raises(NotAllowed):
        otp_devices_reset(actor=auditor, user=auditor)
    bureau_reviewer.is_verified = lambda: True
    assert otp_devices_reset(actor=bureau_reviewer, user=auditor) == 1
    client.force_login(auditor)
    assert client.get("/")["Location"].startswith(ENROL)
    assert events("otp.reset", auditor)[0].detail["count"] == 1


def test_the_reset_command(auditor):
    enrolled(auditor)
    out = StringIO()
    call_command("reset_two_factor", auditor.username, stdout=out)
    assert "removed 1" in out.getvalue()
    assert not TOTPDevice.objects.filter(user=auditor).exists()


def test_the_admin_action_resets_from_a_verified_session(client, django_user_model, auditor):
    admin = django_user_model.objects.create_superuser("root", password=PASSWORD)
    verified_login(client, admin, enrolled(admin))
    enrolled(auditor)
    response = client.post(
        "/admin/auth/user/", {"action": "reset_two_factor", "_selected_action": [auditor.pk]}, follow=True
    )
    assert response.status_code == 200
    assert not TOTPDevice.objects.filter(user=auditor).exists()
