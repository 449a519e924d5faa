"""A bureau reviewer's first log-in in a real browser: password, enrol the authenticator app from
the page's key (the QR code is drawn: the Content-Security-Policy lets the data: image through),
the code, the dashboard; at the next log-in a wrong code is refused and the right one lets them in."""

import time
from base64 import b32decode

import pytest
from django.test import override_settings
from django_otp.oath import TOTP
from playwright.sync_api import expect

from tests.conftest import PASSWORD

pytestmark = pytest.mark.e2e


def _code(secret: str, *, steps_ahead: int = 0) -> str:
    totp = TOTP(b32decode(secret.replace(" ", "")), step=30, t0=0, digits=6)
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def _submit_code(page, code: str) -> None:
    form = page.locator("form").filter(has=page.locator("input[name='token']"))
    form.locator("input[name='token']").fill(code)
    with page.expect_navigation():
        form.locator("button[type='submit']").click()


def test_bureau_reviewer_enrols_then_needs_the_code_at_every_log_in(browser_page, live_server, login, bureau_reviewer):
    page = browser_page
    with override_settings(OTP_REQUIRED=True):
        login(page, live_server, bureau_reviewer.username, PASSWORD)
        assert "/accounts/two-factor/enrol/" in page.url
        expect(page.get_by_test_id("two-factor-qr")).to_be_visible()
        assert page.get_by_test_id("two-factor-qr").evaluate("img => img.naturalWidth") > 0
        secret = page.get_by_test_id("two-factor-secret").inner_text()
        _submit_code(page, _code(secret))
        assert page.url == f"{live_server.url}/"
        expect(page.locator("nav")).to_be_visible()

        login(page, live_server, bureau_reviewer.username, PASSWORD)
        assert "/accounts/two-factor/verify/" in page.url
        expect(page.locator("nav")).to_have_count(0)  # no menu before the code
        right = _code(secret, steps_ahead=1)
        _submit_code(page, "000000" if right != "000000" else "111111")
        assert "/accounts/two-factor/verify/" in page.url
        time.sleep(1.2)  # django-otp's wait after one wrong code
        _submit_code(page, right)
        assert page.url == f"{live_server.url}/"
        page.goto(f"{live_server.url}/admin/")
        assert "/admin/" in page.url
        assert "/accounts/two-factor/" not in page.url
