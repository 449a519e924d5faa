"""Behind the reverse proxy: the client's address comes from X-Forwarded-For only when the request
comes from a trusted proxy (SUNWU_TRUSTED_PROXIES), for django-axes and the access log alike."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory, override_settings
from django.urls import reverse

from sunwu_relief.env import env_networks
from sunwu_relief.models import AccessLog
from sunwu_relief.ui import client_ip
from tests.conftest import PASSWORD

PROXY = "10.0.0.5"


def _ip(remote: str, forwarded: str | None = None) -> str | None:
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(RequestFactory().get("/", **meta))


def test_without_trusted_proxies_the_forwarded_header_is_ignored():
    assert _ip("203.0.113.9", "198.51.100.1") == "203.0.113.9"


@override_settings(TRUSTED_PROXIES=[PROXY])
def test_a_trusted_proxy_gives_the_client_it_saw():
    assert _ip(PROXY, "198.51.100.1") == "198.51.100.1"
    assert _ip(PROXY, " 198.51.100.1 ") == "198.51.100.1"


@override_settings(TRUSTED_PROXIES=[PROXY])
def test_what_the_client_forged_left_of_the_proxys_entry_is_ignored():
    assert _ip(PROXY, "127.0.0.1, 198.51.100.1") == "198.51.100.1"


@override_settings(TRUSTED_PROXIES=[PROXY, "10.1.0.0/16"])
def test_a_chain_of_trusted_proxies_is_walked_from_the_right():
    assert _ip(PROXY, "198.51.100.1, 10.1.2.3") == "198.51.100.1"
    assert _ip(PROXY, "10.1.2.3") == PROXY  # only proxies: nobody else to name


@override_settings(TRUSTED_PROXIES=[PROXY])
def test_an_untrusted_peer_cannot_claim_another_address():
    assert _ip("203.0.113.9", "198.51.100.1") == "203.0.113.9"


@override_settings(TRUSTED_PROXIES=[PROXY])
def test_a_malformed_or_missing_header_falls_back_to_the_peer():
    assert _ip(PROXY, "not-an-address") == PROXY
    assert _ip(PROXY, "") == PROXY
    assert _ip(PROXY) == PROXY


def test_a_bad_trusted_proxy_entry_fails_at_start_up(monkeypatch):
    monkeypatch.setenv("SUNWU_TRUSTED_PROXIES", "10.0.0.5, proxy.internal")
    with pytest.raises(ImproperlyConfigured):
        env_networks("SUNWU_TRUSTED_PROXIES")
    monkeypatch.setenv("SUNWU_TRUSTED_PROXIES", "10.0.0.5, 2001:db8::/32")
    assert env_networks("SUNWU_TRUSTED_PROXIES") == ["10.0.0.5", "2001:db8::/32"]


def _login(client, username: str, password: str, client_address: str):
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=client_address,
    )


@override_settings(TRUSTED_PROXIES=[PROXY])
def test_behind_the_proxy_a_lock_out_is_per_client_not_per_user_name(client, bureau_reviewer):
    for _attempt in range(5):
        _login(client, "bureau", "wrong-password", "198.51.100.66")
    locked = _login(client, "bureau", PASSWORD, "198.51.100.66")
    assert locked.status_code == 429  # the attacker's address is locked out
    other = _login(client, "bureau", PASSWORD, "198.51.100.7")
    assert other.status_code == 302  # the real user, from another address, still logs in


@override_settings(TRUSTED_PROXIES=[PROXY])
def test_the_access_log_records_the_client_behind_the_proxy(client, caseworker_sunwu, household_sunwu):
    client.force_login(caseworker_sunwu)
    client.get(
        reverse("households:detail", args=[household_sunwu.pk]), REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7"
    )
    assert AccessLog.objects.get().ip_address == "198.51.100.7"


@override_settings(TRUSTED_PROXIES=[PROXY])
def test_the_api_access_log_records_the_client_behind_the_proxy(client, poverty_office, household_sunwu):
    from knox.models import AuthToken

    _token, key = AuthToken.objects.create(user=poverty_office)
    client.get(
        reverse("api:household-detail", args=[household_sunwu.pk]),
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="198.51.100.8",
        HTTP_AUTHORIZATION=f"Token {key}",
    )
    assert AccessLog.objects.get().ip_address == "198.51.100.8"
