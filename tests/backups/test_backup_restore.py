"""`backup` then `restore` into a fresh database and media folder loses nothing: every table's
rows and every file come back. A damaged backup and a non-empty target are refused."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from apps.audit.models import Action
from apps.audit.services import audit_record
from tests import factories as f
from tests.browser.site import ensure_programmes

pytestmark = pytest.mark.django_db(transaction=True)


def make_data() -> None:
    ensure_programmes()
    kuishan = f.subdistrict("奎山街道")
    f.project(title="奎园社区加装电梯", areas=[f.community("奎园社区", parent=kuishan)])
    f.appeal(photos=[f.jpeg_with_gps("楼道.jpg")])
    f.appeal_in("resolved")
    audit_record(action=Action.SIGN_IN, username="district")


def media_files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def restore_in_subprocess(backup: Path, env: dict[str, str], *extra: str) -> subprocess.CompletedProcess:
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG")}
    return subprocess.run(
        [sys.executable, "manage.py", "restore", str(backup), *extra],
        cwd=settings.BASE_DIR,
        env={**keep, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_a_damaged_backup_is_refused_before_anything_changes(tmp_path):
    make_data()
    call_command("backup", str(tmp_path / "b"))
    manifest = json.loads((tmp_path / "b" / "manifest.json").read_text())
    photo = tmp_path / "b" / "media" / manifest["media"][0]["path"]
    photo.write_bytes(photo.read_bytes() + b"x")
    with pytest.raises(CommandError, match="checksum"):
        call_command("restore", str(tmp_path / "b"), "--force")


def test_a_backup_goes_only_into_a_new_or_empty_folder(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "old").write_text("x")
    with pytest.raises(CommandError, match="not empty"):
        call_command("backup", str(tmp_path / "b"))


def test_restore_refuses_a_database_that_holds_data(tmp_path):
    make_data()
    call_command("backup", str(tmp_path / "b"))
    with pytest.raises(CommandError, match=r"not empty.*--force"):
        call_command("restore", str(tmp_path / "b"))


@pytest.mark.postgres
def test_postgresql_backup_restores_every_row_and_file_into_a_fresh_database(tmp_path):
    make_data()
    source_media = Path(settings.MEDIA_ROOT)
    assert media_files(source_media), "the request's photo is a file"
    call_command("backup", str(tmp_path / "b"))
    assert (tmp_path / "b" / "database.pgdump").read_bytes()[:5] == b"PGDMP"

    db = connection.settings_dict
    fresh = f"{db['NAME']}_restore"
    params = {"host": db["HOST"] or "127.0.0.1", "port": db["PORT"] or 5432, "user": db["USER"]}
    admin = psycopg2.connect(dbname="postgres", **params)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{fresh}"')
        cursor.execute(f'CREATE DATABASE "{fresh}"')
    try:
        url = f"postgres://{params['user']}@{params['host']}:{params['port']}/{fresh}"
        restored_media = tmp_path / "restored-media"
        result = restore_in_subprocess(tmp_path / "b", {"DATABASE_URL": url, "MEDIA_ROOT": str(restored_media)})
        assert result.returncode == 0, result.stderr

        with connection.cursor() as cursor:
            tables = connection.introspection.table_names(cursor)
        assert "appeals_appeal" in tables and "audit_auditentry" in tables
        # Plain psycopg2 connections on both sides, so both read values the same way.
        restored = psycopg2.connect(dbname=fresh, **params)
        original = psycopg2.connect(dbname=db["NAME"], **params)
        try:
            for table in tables:
                with original.cursor() as cursor:
                    cursor.execute(f'SELECT * FROM "{table}" ORDER BY 1')
                    original_rows = cursor.fetchall()
                with restored.cursor() as cursor:
                    cursor.execute(f'SELECT * FROM "{table}" ORDER BY 1')
                    assert cursor.fetchall() == original_rows, table
            with restored.cursor() as cursor:
                # The restored audit log is still append-only.
                cursor.execute("SELECT count(*) FROM pg_trigger WHERE tgname = 'audit_entry_append_only'")
                assert cursor.fetchone()[0] == 1
        finally:
            restored.close()
            original.close()
        assert media_files(restored_media) == media_files(source_media)

        again = restore_in_subprocess(tmp_path / "b", {"DATABASE_URL": url, "MEDIA_ROOT": str(restored_media)})
        assert again.returncode != 0 and "not empty" in again.stderr
        forced = restore_in_subprocess(
            tmp_path / "b", {"DATABASE_URL": url, "MEDIA_ROOT": str(restored_media)}, "--force"
        )
        assert forced.returncode == 0, forced.stderr
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)')
        admin.close()


def test_sqlite_backup_restores_every_row_and_file_into_a_fresh_database(tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite path")
    make_data()
    source_media = Path(settings.MEDIA_ROOT)
    call_command("backup", str(tmp_path / "b"))

    fresh = tmp_path / "restored.sqlite3"
    restored_media = tmp_path / "restored-media"
    result = restore_in_subprocess(tmp_path / "b", {"SQLITE_PATH": str(fresh), "MEDIA_ROOT": str(restored_media)})
    assert result.returncode == 0, result.stderr

    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    restored = sqlite3.connect(fresh)
    # Plain sqlite3 connections on both sides: values as stored, without Django's converters.
    original = sqlite3.connect(connection.settings_dict["NAME"], uri=True)
    try:
        for table in tables:
            original_rows = original.execute(f'SELECT * FROM "{table}" ORDER BY 1').fetchall()
            assert restored.execute(f'SELECT * FROM "{table}" ORDER BY 1').fetchall() == original_rows, table
    finally:
        restored.close()
        original.close()
    assert media_files(restored_media) == media_files(source_media)
