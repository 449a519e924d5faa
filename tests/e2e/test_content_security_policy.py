"""The Content-Security-Policy blocks nothing our pages need: the UI, the admin and Swagger UI
(drf-spectacular-sidecar) load in a real browser without a single violation."""

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD

pytestmark = pytest.mark.e2e


def _watch_violations(page) -> list[str]:
    violations: list[str] = []
    page.on(
        "console",
        lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None,
    )
    return violations


def test_ui_pages_load_without_csp_violations(browser_page, live_server, login, caseworker_sunwu, household_sunwu):
    page = browser_page
    violations = _watch_violations(page)
    login(page, live_server, caseworker_sunwu.username, PASSWORD)
    for path in ("/", "/households/", f"/households/{household_sunwu.pk}/", "/notices/", "/applications/"):
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
    # The print button works through static/js/site.js, not an inline handler.
    page.goto(f"{live_server.url}/notices/")
    page.evaluate(
        "window.__printed = 0; window.__clicks = 0; window.print = () => { window.__printed += 1; }; document.addEventListener('click', () => { window.__clicks += 1; })"
    )
    page.locator("[data-print]").first.click()
    assert page.evaluate("window.__clicks") == 1
    assert page.evaluate("window.__printed") == 1
    assert violations == []


def test_admin_and_swagger_ui_load_without_csp_violations(browser_page, live_server, login, bureau_reviewer):
    page = browser_page
    violations = _watch_violations(page)
    login(page, live_server, bureau_reviewer.username, PASSWORD)
    for path in ("/admin/", "/admin/benefits/application/", "/admin/benefits/holiday/add/"):
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
    page.goto(f"{live_server.url}/api/v1/docs/")
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()
    expect(page.get_by_text("/api/v1/households/", exact=True).first).to_be_visible()
    assert violations == []
