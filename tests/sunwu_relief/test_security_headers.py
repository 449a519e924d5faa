"""Every response carries the Content-Security-Policy and Permissions-Policy headers; outside
DEBUG the application does not start without SECRET_KEY (fail closed)."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from sunwu_relief.middleware import permissions_policy_header

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("url", ["/accounts/login/", "/healthz", "/api/v1/households/", "/admin/login/"])
def test_every_response_has_csp_and_permissions_policy(client, db, url):
    response = client.get(url)
    policy = response["Content-Security-Policy"]
    assert "default-src 'none'" in policy
    assert "script-src 'self'" in policy
    assert "'unsafe-inline'" not in policy
    assert "'unsafe-eval'" not in policy
    assert "frame-ancestors 'none'" in policy
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


def test_our_pages_have_no_inline_script_or_style(client, caseworker_sunwu, household_sunwu):
    client.force_login(caseworker_sunwu)
    body = client.get(f"/households/{household_sunwu.pk}/").content.decode()
    assert "<script>" not in body
    assert "<style" not in body
    assert "onclick=" not in body
    assert "style=" not in body


def test_permissions_policy_header_syntax():
    assert permissions_policy_header({"camera": [], "fullscreen": ["self"]}) == "camera=(), fullscreen=(self)"


def _start(env_overrides: dict[str, str]) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE")}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "-c", "import sunwu_relief.wsgi"], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_without_secret_key_outside_debug_the_server_does_not_start():
    result = _start({})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_with_a_secret_key_or_in_debug_the_server_starts():
    assert _start({"SECRET_KEY": "x" * 60}).returncode == 0
    assert _start({"DEBUG": "true"}).returncode == 0


INLINE = re.compile(r"<style|<script(?![^>]*\bsrc=)|\sstyle=|\son[a-z]+=", re.IGNORECASE)


def test_no_template_has_inline_script_style_or_handlers():
    """The policy refuses them: a new template with one would silently lose that behaviour."""
    offenders = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        text = re.sub(r"{% comment %}.*?{% endcomment %}", "", path.read_text(encoding="utf-8"), flags=re.S)
        offenders += [f"{path.relative_to(ROOT)}: {m.group(0)}" for m in INLINE.finditer(text)]
    assert offenders == []
