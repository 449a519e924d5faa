"""Browser fixtures for end-to-end tests: real headless Chromium driven by Playwright.

Use them like this::

    def test_caseworker_sees_household(browser_page, live_server, login, caseworker_sunwu):
        login(browser_page, live_server, caseworker_sunwu.username, PASSWORD)
        browser_page.goto(f"{live_server.url}/households/")

Fixtures
    ``browser_page``
        A fresh Playwright ``Page`` in its own browser context (locale ``zh-CN``, so the UI answers
        in Chinese; 1280×900 viewport; 15 s timeouts). Requesting it also gives the test
        pytest-django's ``live_server`` with a transactional database and *serialized rollback*:
        the townships and villages written by migrations are present in every browser test, and
        rows the test creates are visible to the server thread. (Every transactional test in the
        suite must use serialized rollback too: one flush without it re-creates the role groups
        with new ids, and each later restore fails on ``auth_group_name_key``.)
    ``login``
        ``login(page, live_server, username, password)`` logs in through the real form at
        ``/accounts/login/`` (so django-axes sees a real request) and waits until the browser has
        left the log-in page. Fails the test with the page's error text when the log-in is refused.
        Calling it again switches user (it clears the context's cookies first).
    ``chromium``
        The session's launched ``Browser`` (shared; one Chromium per test session).

Every test collected under ``tests/e2e/`` is marked ``e2e`` automatically. Do not use
pytest-playwright's own ``page``/``browser`` fixtures: they look for a browser downloaded by
``playwright install``, which these machines do not have.

Prerequisites: the ``playwright`` package and Debian's ``/usr/bin/chromium`` (plus
``fonts-noto-cjk``, or Chinese renders as boxes in screenshots). Without them the tests skip with
the reason on a developer's machine and FAIL on CI (``CI=true``), where they must run.
"""

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connections

from tests.prerequisites import mark_folder, prerequisite_missing

CHROMIUM = Path(os.environ.get("SUNWU_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 15_000
E2E_DIR = Path(__file__).resolve().parent


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by marker
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    mark_folder(items, E2E_DIR, pytest.mark.e2e)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        prerequisite_missing("playwright is not installed (pip install -r requirements-dev.txt)")
    if not CHROMIUM.exists():
        prerequisite_missing(f"no Chromium at {CHROMIUM} (apt-get install chromium fonts-noto-cjk)")

    # Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from a thread
    # with a running loop unless told that this is deliberate.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    sync_connections = {alias: connections[alias] for alias in connections}
    playwright = sync_playwright().start()
    # Django keeps database connections per thread, but per context while an event loop runs in the
    # thread, and Playwright keeps one running. Hand that context the thread's own connection objects:
    # fresh ones would lack the test database's serialized contents (so serialized rollback would
    # restore nothing) and would stay open (so the test database could not be dropped).
    for alias, connection in sync_connections.items():
        connections[alias] = connection
    try:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
    except Exception as exc:  # noqa: BLE001  (any launch failure is a missing prerequisite)
        playwright.stop()
        prerequisite_missing(f"Chromium at {CHROMIUM} does not start: {exc}")
    try:
        yield browser
    finally:
        browser.close()
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def browser_page(chromium, live_server, django_db_serialized_rollback) -> Iterator[Any]:
    context = chromium.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


def _login(page: Any, live_server: Any, username: str, password: str) -> None:
    page.context.clear_cookies()  # log out whoever was logged in: the log-in page redirects a user away
    page.goto(f"{live_server.url}/accounts/login/")
    form = page.locator("form").filter(has=page.locator("input[name='password']"))
    form.locator("input[name='username']").fill(username)
    form.locator("input[name='password']").fill(password)
    with page.expect_navigation():
        form.locator("button[type='submit'], input[type='submit']").first.click()
    if "/accounts/login/" in page.url:
        pytest.fail(f"log-in of {username!r} was refused: {page.locator('main, body').first.inner_text()[:500]}")


@pytest.fixture
def login() -> Callable[[Any, Any, str, str], None]:
    return _login
