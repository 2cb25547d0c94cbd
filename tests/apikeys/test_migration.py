"""The keys other systems hold keep working after ApiKey moved from `api` to `apikeys`.

A fresh SQLite database is migrated to the end and back to the state before the move (ApiKey in
`api`, as every database made before it is), given a key and a permission on keys there, then
migrated to the end again.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RAW_KEY = "qs_0a1b2c3d.made-before-the-move"


def manage(database: Path, *args: str) -> str:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}"}
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture
def database_before_the_move(tmp_path: Path) -> Path:
    database = tmp_path / "before.sqlite3"
    manage(database, "migrate", "--noinput")
    manage(database, "migrate", "--noinput", "apikeys", "zero")
    with sqlite3.connect(database) as db:
        db.execute(
            "INSERT INTO api_apikey (name, scope, channel, prefix, key_hash, created_at)"
            " VALUES ('12345 热线平台', 'submit', 'hotline', 'qs_0a1b2c3d', ?, '2026-11-01 08:00:00')",
            [hashlib.sha256(RAW_KEY.encode()).hexdigest()],
        )
        [(content_type, app_label)] = db.execute(
            "SELECT id, app_label FROM django_content_type WHERE model = 'apikey'"
        ).fetchall()
        assert app_label == "api"
        db.execute("INSERT INTO auth_group (name) VALUES ('接口管理')")
        db.execute(
            "INSERT INTO auth_group_permissions (group_id, permission_id)"
            " SELECT g.id, p.id FROM auth_group g, auth_permission p"
            " WHERE g.name = '接口管理' AND p.codename = 'view_apikey' AND p.content_type_id = ?",
            [content_type],
        )
    return database


def test_a_key_made_before_the_move_still_authenticates_and_keeps_its_permissions(database_before_the_move):
    database = database_before_the_move

    manage(database, "migrate", "--noinput")

    with sqlite3.connect(database) as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        labels = db.execute("SELECT app_label FROM django_content_type WHERE model = 'apikey'").fetchall()
        granted = db.execute(
            "SELECT ct.app_label FROM auth_group_permissions gp JOIN auth_permission p ON p.id = gp.permission_id"
            " JOIN django_content_type ct ON ct.id = p.content_type_id WHERE p.codename = 'view_apikey'"
        ).fetchall()
    assert "api_apikey" in tables
    assert labels == [("apikeys",)]
    assert granted == [("apikeys",)]
    found = manage(
        database,
        "shell",
        "-c",
        "from apps.apikeys.services import api_key_authenticate as a;"
        f" k = a({RAW_KEY!r}); print(k.name, k.scope, k.channel)",
    )
    assert found.strip().splitlines()[-1] == "12345 热线平台 submit hotline"
