#!/usr/bin/env python3
"""Run `manage.py check --deploy --fail-level WARNING` with the values of .env.production.example.

The secrets it names by file (SECRET_KEY_FILE, PII_KEYS_FILE, ... every NAME_FILE) are generated
into a temporary folder for the run, as a deployment would provision them. Extra NAME=VALUE
arguments override the example. Exits with the check's status (`.ci/run` and the tests call it).

    scripts/check_deploy.py [NAME=VALUE ...]
"""

from __future__ import annotations

import base64
import os
import re
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / ".env.production.example"


def example_values() -> dict[str, str]:
    values = {}
    for line in EXAMPLE.read_text(encoding="utf-8").splitlines():
        match = re.fullmatch(r"([A-Z][A-Z0-9_]*)=(.*)", line)
        if match:
            values[match[1]] = match[2]
    return values


def generated_secrets(folder: Path, names: list[str]) -> dict[str, str]:
    """A file for each NAME_FILE of the example: SM4 keys where the app wants them, else a token."""

    def key() -> str:
        return base64.b64encode(os.urandom(32)).decode()

    special = {"PII_KEYS_FILE": lambda: f"k1:{key()}", "PII_INDEX_KEY_FILE": key}
    contents = {name: special.get(name, lambda: secrets.token_urlsafe(64))() for name in names}
    paths = {}
    for name, content in contents.items():
        path = folder / name.lower()
        path.write_text(content)
        path.chmod(0o600)
        paths[name] = str(path)
    return paths


def main(argv: list[str]) -> int:
    overrides = dict(arg.split("=", 1) for arg in argv)
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "VIRTUAL_ENV")}
    with tempfile.TemporaryDirectory() as folder:
        values = example_values()
        files = [name for name in values if name.endswith("_FILE")]
        env = {**keep, **values, **generated_secrets(Path(folder), files), **overrides}
        command = [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"]
        return subprocess.run(command, cwd=ROOT, env=env, check=False).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
