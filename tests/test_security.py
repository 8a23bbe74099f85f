"""Deployment and browser-facing security that every page shares."""

import os
import re
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.urls import reverse

from .factories import TEST_PASSWORD

TEMPLATES_DIR = settings.BASE_DIR / "templates"


def test_check_deploy_is_clean_under_production_settings():
    # The browser tests relax async safety for Playwright in this process; production never does.
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "PRODUCTION": "1",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "kjcg.dg.gov.cn",
        "PORTAL_BASE_URL": "https://kjcg.dg.gov.cn",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy_without_inline_code(client):
    response = client.get(reverse("towns:login"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=\s*[\"']", re.IGNORECASE)


def template_files():
    roots = [TEMPLATES_DIR, *settings.BASE_DIR.glob("*/templates")]
    for root in roots:
        yield from root.rglob("*.html")


@pytest.mark.parametrize("path", sorted(template_files()), ids=lambda p: p.name)
def test_templates_have_no_inline_scripts_styles_or_handlers(path):
    text = path.read_text(encoding="utf-8")
    if path.name == "500.html":  # static error page, served without CSP-dependent assets
        return
    # json_script output is data (type="application/json"), allowed by the policy.
    scripts = [m for m in INLINE_SCRIPT.findall(text) if "application/json" not in m]
    assert scripts == [], f"inline <script> in {path}"
    assert not STYLE_ATTRIBUTE.search(text), f"style= attribute in {path}"
    assert not EVENT_HANDLER.search(text), f"on…= handler in {path}"


@pytest.mark.django_db
def test_login_is_throttled_after_repeated_failures(client, liaison, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        client.post(reverse("towns:login"), {"username": liaison.username, "password": "wrong"})
    response = client.post(
        reverse("towns:login"), {"username": liaison.username, "password": TEST_PASSWORD}
    )
    assert response.status_code == 429
    assert "账号暂时锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session
