"""Backup and restore of the whole system (等保 2.0 数据备份恢复): the database and the uploaded
files, with a manifest of checksums that a restore verifies before it changes anything.

- PostgreSQL: `pg_dump --format=custom`, one consistent snapshot even while the site serves;
  restored by `pg_restore --single-transaction`, so a failed restore leaves nothing half-done.
- SQLite: the sqlite3 online backup API, consistent under concurrent writers.
- Files: every file under MEDIA_ROOT, copied after the database, so every file the database
  names is there (a file uploaded meanwhile is an unreferenced extra, harmless).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

import django
from django.conf import settings
from django.db import connection
from django.utils import timezone

MANIFEST = "manifest.json"
FORMAT = 1
PG_DUMP_FILE = "database.pgdump"
SQLITE_FILE = "database.sqlite3"
MEDIA_DIR = "media"


class BackupError(Exception):
    """A backup or restore refused or failed; the message says why, in words for the operator."""


@dataclass(frozen=True)
class BackupSummary:
    directory: Path
    database_bytes: int
    files: int


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _pg_env() -> dict[str, str]:
    db = connection.settings_dict
    env = {**os.environ, "PGDATABASE": str(db["NAME"])}
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if db.get(key):
            env[var] = str(db[key])
    return env


def _run(command: list[str], env: dict[str, str]) -> None:
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError as exc:
        raise BackupError(f"{command[0]} is not installed (Debian: postgresql-client)") from exc
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[-2000:]}")


def _media_files(root: Path) -> list[Path]:
    if not root.exists():
        return []
    return sorted(path for path in root.rglob("*") if path.is_file())


def backup_create(*, directory: Path) -> BackupSummary:
    """Write the database, the media files and the manifest into `directory` (new or empty)."""
    directory = Path(directory)
    if directory.exists() and any(directory.iterdir()):
        raise BackupError(f"{directory} is not empty: back up into a new folder")
    directory.mkdir(parents=True, exist_ok=True)
    vendor = connection.vendor
    if vendor == "postgresql":
        database = directory / PG_DUMP_FILE
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={database}"], _pg_env())
    elif vendor == "sqlite":
        database = directory / SQLITE_FILE
        connection.ensure_connection()
        target = sqlite3.connect(database)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
    else:
        raise BackupError(f"no backup for the {vendor} database")

    media_root = Path(settings.MEDIA_ROOT)
    files = []
    for source in _media_files(media_root):
        relative = source.relative_to(media_root).as_posix()
        copy = directory / MEDIA_DIR / relative
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, copy)
        files.append({"path": relative, "sha256": sha256_of(copy), "bytes": copy.stat().st_size})

    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "django": django.get_version(),
        "vendor": vendor,
        "database": {"file": database.name, "sha256": sha256_of(database), "bytes": database.stat().st_size},
        "media": files,
    }
    (directory / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    return BackupSummary(directory=directory, database_bytes=manifest["database"]["bytes"], files=len(files))


def backup_verify(*, directory: Path) -> dict:
    """The manifest, once every file it lists is present with its checksum; else BackupError."""
    directory = Path(directory)
    try:
        manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(f"{directory / MANIFEST} is missing or unreadable") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    listed = [(manifest["database"]["file"], manifest["database"]["sha256"])]
    listed += [(f"{MEDIA_DIR}/{item['path']}", item["sha256"]) for item in manifest["media"]]
    for name, checksum in listed:
        path = directory / name
        if ".." in Path(name).parts or not path.is_file():
            raise BackupError(f"{name} is missing from the backup")
        if sha256_of(path) != checksum:
            raise BackupError(f"{name} does not match its checksum: the backup is damaged")
    return manifest


def _database_is_empty() -> bool:
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    return not tables


def _drop_everything() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")


def backup_restore(*, directory: Path, force: bool = False) -> BackupSummary:
    """Restore a verified backup into an empty database and an empty MEDIA_ROOT; `force`
    replaces what is there."""
    directory = Path(directory)
    manifest = backup_verify(directory=directory)
    if manifest["vendor"] != connection.vendor:
        raise BackupError(f"the backup is of a {manifest['vendor']} database, this is {connection.vendor}")
    media_root = Path(settings.MEDIA_ROOT)
    database_empty = _database_is_empty()
    media_empty = not _media_files(media_root)
    if not force and not (database_empty and media_empty):
        what = " and ".join(
            name for name, empty in (("the database", database_empty), ("MEDIA_ROOT", media_empty)) if not empty
        )
        raise BackupError(f"{what} is not empty: restore into an empty one, or pass --force to replace it")

    database = directory / manifest["database"]["file"]
    if connection.vendor == "postgresql":
        if not database_empty:
            _drop_everything()
        connection.close()
        _run(
            [
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                f"--dbname={connection.settings_dict['NAME']}",
                str(database),
            ],
            _pg_env(),
        )
    else:
        connection.ensure_connection()
        source = sqlite3.connect(database)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
        connection.close()

    if media_root.exists() and not media_empty:
        shutil.rmtree(media_root)
    for item in manifest["media"]:
        target = media_root / item["path"]
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(directory / MEDIA_DIR / item["path"], target)
    return BackupSummary(directory=directory, database_bytes=database.stat().st_size, files=len(manifest["media"]))
