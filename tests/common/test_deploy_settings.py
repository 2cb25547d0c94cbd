"""`.env.production.example` is a complete, safe production configuration: Django's deployment
checks pass with it (HSTS, HTTPS redirect behind the proxy, secure cookies, a real secret key),
and the security headers reach the browser."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

EXAMPLE = Path(settings.BASE_DIR) / ".env.production.example"


def deploy_check(*overrides: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "scripts/check_deploy.py", *overrides],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_production_example_passes_the_deployment_checks():
    result = deploy_check()
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_deployment_checks_catch_a_missing_https_setting():
    result = deploy_check("SECURE_HSTS_SECONDS=0", "SECURE_COOKIES=false")
    assert result.returncode != 0
    assert "security.W004" in result.stderr and "security.W012" in result.stderr


def test_every_setting_the_app_reads_is_in_the_production_example():
    source = (Path(settings.BASE_DIR) / "quanshan" / "settings.py").read_text(encoding="utf-8")
    read = set(re.findall(r'env[a-z]*\("([A-Z][A-Z0-9_]*)"', source))
    gunicorn = (Path(settings.BASE_DIR) / "quanshan" / "gunicorn.conf.py").read_text(encoding="utf-8")
    read |= set(re.findall(r'environ\.get\("([A-Z][A-Z0-9_]*)"', gunicorn))
    listed = set(re.findall(r"^([A-Z][A-Z0-9_]*)=", EXAMPLE.read_text(encoding="utf-8"), re.M))
    listed |= {name.removesuffix("_FILE") for name in listed}
    missing = read - listed
    assert not missing, f"add {sorted(missing)} with production values to .env.production.example"


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy_without_inline_scripts(client):
    policy = client.get("/")["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert "'self'" in directives["script-src"]
    assert "unsafe-inline" not in directives["script-src"] and "unsafe-eval" not in directives["script-src"]
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
