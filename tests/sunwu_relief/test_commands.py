"""add_user, issue_api_token and seed_demo (docs/interfaces.md §3)."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import transaction
from knox.models import AuthToken

from households.models import Household, Member, Township
from sunwu_relief.models import AuditEvent, StaffProfile

User = get_user_model()


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


# --- add_user -------------------------------------------------------------------------------


def test_add_user_creates_a_township_caseworker(db):
    output = run("add_user", "li_si", "--role", "caseworker", "--township", "辰清镇", "--password", "Strong-pass-2026")
    user = User.objects.get(username="li_si")
    assert user.staff_profile.role == "caseworker"
    assert user.staff_profile.township.name == "辰清镇"
    assert user.check_password("Strong-pass-2026")
    assert not user.is_staff  # township staff do not use the admin
    assert list(user.groups.values_list("name", flat=True)) == ["caseworker"]
    assert "created li_si" in output
    assert AuditEvent.objects.filter(action="staff.create", object_id=str(user.pk)).exists()


def test_add_user_without_password_gives_an_unusable_one(db):
    run("add_user", "wang", "--role", "auditor")
    assert not User.objects.get(username="wang").has_usable_password()


def test_add_user_updates_an_existing_user(db):
    run("add_user", "zhao", "--role", "caseworker", "--township", "孙吴镇")
    output = run("add_user", "zhao", "--role", "bureau_reviewer")
    user = User.objects.get(username="zhao")
    assert User.objects.filter(username="zhao").count() == 1
    assert user.staff_profile.role == "bureau_reviewer"
    assert user.staff_profile.township is None
    assert user.is_staff  # county staff work in the admin
    assert list(user.groups.values_list("name", flat=True)) == ["bureau_reviewer"]
    assert "updated zhao" in output


def test_add_user_keeps_the_password_when_none_is_given(db):
    run("add_user", "qian", "--role", "auditor", "--password", "Strong-pass-2026")
    run("add_user", "qian", "--role", "bureau_reviewer")
    assert User.objects.get(username="qian").check_password("Strong-pass-2026")


@pytest.mark.parametrize("role", ["caseworker", "township_reviewer"])
def test_add_user_requires_a_township_for_township_roles(db, role):
    with pytest.raises(CommandError, match="--township"):
        run("add_user", "sun", "--role", role)
    assert not User.objects.filter(username="sun").exists()


def test_add_user_rejects_an_unknown_township_and_names_the_known_ones(db):
    with pytest.raises(CommandError) as exc:
        run("add_user", "sun", "--role", "caseworker", "--township", "北京")
    assert "北京" in str(exc.value)
    assert "孙吴镇" in str(exc.value)
    assert not User.objects.filter(username="sun").exists()


def test_add_user_rejects_a_township_for_county_roles(db):
    with pytest.raises(CommandError):
        run("add_user", "zhou", "--role", "auditor", "--township", "孙吴镇")
    assert not User.objects.filter(username="zhou").exists()


def test_add_user_rejects_an_unknown_role(db):
    with pytest.raises(CommandError):
        run("add_user", "wu", "--role", "mayor")
    assert not User.objects.filter(username="wu").exists()


@pytest.mark.parametrize("password", ["short", "1234567890123", "password123"])
def test_add_user_rejects_a_weak_password(db, password):
    with pytest.raises(CommandError):
        run("add_user", "zheng", "--role", "auditor", "--password", password)
    assert not User.objects.filter(username="zheng").exists()


# --- issue_api_token ------------------------------------------------------------------------


def test_issue_api_token_prints_a_working_token_as_the_last_line(client, caseworker_sunwu):
    token = run("issue_api_token", caseworker_sunwu.username).strip().splitlines()[-1]
    assert AuthToken.objects.filter(user=caseworker_sunwu).count() == 1
    instance = AuthToken.objects.get(user=caseworker_sunwu)
    assert token.startswith(instance.token_key)
    assert instance.digest != token  # stored hashed, never in clear
    assert instance.expiry is not None
    assert client.get("/api/v1/households/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 200


def test_issue_api_token_gives_a_new_token_each_time(caseworker_sunwu):
    first = run("issue_api_token", caseworker_sunwu.username).strip().splitlines()[-1]
    second = run("issue_api_token", caseworker_sunwu.username).strip().splitlines()[-1]
    assert first != second
    assert AuthToken.objects.filter(user=caseworker_sunwu).count() == 2


def test_issue_api_token_is_audited_without_the_token(caseworker_sunwu):
    token = run("issue_api_token", caseworker_sunwu.username).strip().splitlines()[-1]
    event = AuditEvent.objects.get(action="api_token.issue")
    assert event.object_id == str(caseworker_sunwu.pk)
    assert token not in str(event.detail)


def test_issue_api_token_for_an_unknown_user_fails(db):
    with pytest.raises(CommandError):
        run("issue_api_token", "nobody")
    assert not AuthToken.objects.exists()


def test_issue_api_token_for_a_user_without_role_fails(stranger):
    with pytest.raises(CommandError):
        run("issue_api_token", stranger.username)
    assert not AuthToken.objects.exists()


# --- seed_demo ------------------------------------------------------------------------------


def _snapshot() -> dict:
    return {
        "households": sorted(
            Household.objects.values_list("number", "township__name", "village__name", "address", "hukou_number")
        ),
        "members": sorted(Member.objects.values_list("household__number", "name", "id_number", "relationship")),
        "users": sorted(StaffProfile.objects.values_list("user__username", "role", "township__name")),
    }


def test_seed_demo_creates_households_users_and_prints_the_log_ins(db):
    output = run("seed_demo", "--households", "5")
    assert Household.objects.count() == 5
    assert Member.objects.count() >= 5
    assert all(h.members.filter(relationship="head").count() == 1 for h in Household.objects.all())
    for username in ("bureau", "auditor", "poverty", "caseworker1", "reviewer1"):
        assert username in output
        assert User.objects.filter(username=username).exists()
    assert "sunwu-demo-2026" in output
    # Every township has its caseworker and its reviewer.
    townships = Township.objects.count()
    for role in ("caseworker", "township_reviewer"):
        assert StaffProfile.objects.filter(role=role).values("township").distinct().count() == townships


def test_seed_demo_twice_changes_nothing(db):
    run("seed_demo", "--households", "5")
    before = _snapshot()
    events = AuditEvent.objects.count()
    output = run("seed_demo", "--households", "5")
    assert _snapshot() == before
    assert AuditEvent.objects.count() == events
    assert "caseworker1" in output  # the log-ins are printed every time


def test_seed_demo_is_deterministic_for_a_seed(db):
    with transaction.atomic():
        run("seed_demo", "--households", "5", "--seed", "7")
        first = _snapshot()
        transaction.set_rollback(True)  # back to a fresh database
    assert not Household.objects.exists()
    run("seed_demo", "--households", "5", "--seed", "7")
    assert _snapshot() == first


def test_seed_demo_with_another_seed_gives_other_people(db):
    with transaction.atomic():
        run("seed_demo", "--households", "5", "--seed", "7")
        first = _snapshot()["members"]
        transaction.set_rollback(True)
    run("seed_demo", "--households", "5", "--seed", "8")
    assert _snapshot()["members"] != first


def test_seed_demo_users_can_log_in(client, db):
    run("seed_demo", "--households", "2")
    response = client.post("/accounts/login/", {"username": "caseworker1", "password": "sunwu-demo-2026"})
    assert response.status_code == 302
    assert client.get("/households/").status_code == 200


def test_seed_demo_of_40_households_has_every_status_both_programmes_and_18_months_of_decisions(db):
    from django.utils import timezone

    from benefits.models import Application, ApplicationStatus, Benefit, Holiday
    from benefits.rules import add_months

    run("seed_demo", "--households", "40")
    assert Household.objects.count() == 40
    statuses = set(Application.objects.values_list("status", flat=True))
    assert statuses == set(ApplicationStatus.values)
    assert set(Application.objects.filter(status="approved").values_list("programme", flat=True)) == {
        "dibao",
        "tekun",
    }
    today = timezone.localdate()
    decided = {
        timezone.localdate(d).replace(day=1) for d in Application.objects.values_list("decided_at", flat=True) if d
    }
    assert min(decided) <= add_months(today.replace(day=1), -17)
    assert len(decided) >= 10  # spread over the months, not all today
    assert Benefit.objects.filter(start_month__lte=add_months(today.replace(day=1), -12)).exists()
    assert Holiday.objects.exists()
    staff = User.objects.filter(staff_profile__isnull=False)
    assert all(user.get_full_name() for user in staff)
    # Medical claims of both kinds, one capped; temporary grants of both kinds, one above the
    # township's limit (decided by the county), one for a person from outside the county.
    from benefits.medical.models import MedicalClaim
    from benefits.temporary.models import TemporaryCase

    assert set(MedicalClaim.objects.values_list("kind", flat=True)) == {"inpatient", "outpatient"}
    assert any(c.aid < c.self_pay * c.ratio for c in MedicalClaim.objects.filter(status_programme="tekun"))
    assert set(TemporaryCase.objects.values_list("kind", flat=True)) == {"emergency", "expenditure"}
    assert TemporaryCase.objects.filter(decided_level="county", status="granted").exists()
    assert TemporaryCase.objects.filter(household__isnull=True).exists()
    # 支出型 through the whole procedure: one granted by the county after its notice, one in its
    # notice now.
    county = TemporaryCase.objects.get(kind="expenditure", status="granted")
    assert [s.action for s in county.steps.all()][-3:] == ["township_review", "send_to_county", "county_approve"]
    assert TemporaryCase.objects.filter(kind="expenditure", status="public_notice").exists()
