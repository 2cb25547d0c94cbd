"""`.env.production.example` is a complete, safe production configuration: Django's deployment
checks pass with it (HSTS, HTTPS redirect behind the proxy, secure cookies, a real secret key),
and the security headers reach the browser."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

EXAMPLE = Path(settings.BASE_DIR) / ".env.production.example"


def production_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    values = {}
    for line in EXAMPLE.read_text(encoding="utf-8").splitlines():
        match = re.fullmatch(r"([A-Z][A-Z0-9_]*)=(.*)", line)
        if match:
            values[match[1]] = match[2]
    secret = tmp_path / "secret-key"
    secret.write_text(secrets.token_urlsafe(64))
    values["SECRET_KEY_FILE"] = str(secret)
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG")}
    return {**keep, **values, **overrides}


def deploy_check(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_production_example_passes_the_deployment_checks(tmp_path):
    result = deploy_check(production_env(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_deployment_checks_catch_a_missing_https_setting(tmp_path):
    result = deploy_check(production_env(tmp_path, SECURE_HSTS_SECONDS="0", SECURE_COOKIES="false"))
    assert result.returncode != 0
    assert "security.W004" in result.stderr and "security.W012" in result.stderr


def test_every_setting_the_app_reads_is_in_the_production_example():
    source = (Path(settings.BASE_DIR) / "quanshan" / "settings.py").read_text(encoding="utf-8")
    read = set(re.findall(r'env(?:bool|int|secret)?\("([A-Z][A-Z0-9_]*)"', source))
    gunicorn = (Path(settings.BASE_DIR) / "quanshan" / "gunicorn.conf.py").read_text(encoding="utf-8")
    read |= set(re.findall(r'environ\.get\("([A-Z][A-Z0-9_]*)"', gunicorn))
    listed = set(re.findall(r"^([A-Z][A-Z0-9_]*)=", EXAMPLE.read_text(encoding="utf-8"), re.M))
    listed |= {name.removesuffix("_FILE") for name in listed}
    assert read - listed == set()


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy_without_inline_scripts(client):
    policy = client.get("/")["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert "'self'" in directives["script-src"]
    assert "unsafe-inline" not in directives["script-src"] and "unsafe-eval" not in directives["script-src"]
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
