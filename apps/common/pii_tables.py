"""Rewriting the encrypted columns of whole tables: key rotation and the migrations.

Works on raw rows (the ORM would decrypt them on the way out), in primary-key batches, each
batch in its own transaction, so a rotation over millions of rows can be interrupted and run
again: rows already under the current key are left alone. Every model with an encrypted field
takes part, the change-history tables (django-simple-history) included.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.apps import apps as global_apps
from django.db import connections, models, transaction

from apps.common import pii
from apps.common.fields import PhoneIndexField

BATCH = 2000


def encrypted_fields(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if getattr(f, "encrypted", False)]


def index_fields(model: type[models.Model]) -> list[PhoneIndexField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, PhoneIndexField)]


def encrypted_models(apps=global_apps) -> list[type[models.Model]]:
    return [m for m in apps.get_models() if encrypted_fields(m) and not m._meta.proxy]


def _rotate_value(field: models.Field, stored):
    if not stored or pii.key_id_of(stored) == pii.keyring().current.key_id:
        return stored
    return pii.encrypt(pii.decrypt(stored))


def _encrypt_plain(field: models.Field, raw):
    if raw is None or raw == "":
        return raw
    return pii.encrypt(field.plaintext(field.to_python(raw)))


def _decrypt(field: models.Field, stored):
    return pii.decrypt(stored) if stored else stored


def rewrite_table(
    model: type[models.Model],
    change: Callable[[models.Field, object], object],
    *,
    plain_source: bool,
    reindex: bool = True,
    using: str = "default",
    batch_size: int = BATCH,
) -> int:
    """Apply `change` to every encrypted value of `model`'s table; refresh its blind indexes.

    `plain_source`: the columns hold plain text (the migration that encrypts them), else
    ciphertext. `reindex`: recompute the blind indexes from the values. Returns the number of
    rows written.
    """
    connection = connections[using]
    qn = connection.ops.quote_name
    fields = encrypted_fields(model)
    indexes = index_fields(model) if reindex else []
    by_name = {f.name: f for f in model._meta.concrete_fields}
    sources = [by_name[f.source] for f in indexes]
    read = [model._meta.pk, *fields, *indexes]
    table = qn(model._meta.db_table)
    pk = qn(model._meta.pk.column)
    columns = ", ".join(qn(f.column) for f in read)
    first = f"SELECT {columns} FROM {table} ORDER BY {pk} LIMIT %s"
    following = f"SELECT {columns} FROM {table} WHERE {pk} > %s ORDER BY {pk} LIMIT %s"
    written = [qn(f.column) for f in [*fields, *indexes]]
    update = f"UPDATE {table} SET {', '.join(c + ' = %s' for c in written)} WHERE {pk} = %s"
    last = None
    changed = 0
    while True:
        with transaction.atomic(using=using), connection.cursor() as cursor:
            cursor.execute(first, [batch_size]) if last is None else cursor.execute(following, [last, batch_size])
            rows = cursor.fetchall()
            if not rows:
                return changed
            updates = list(_changed_rows(rows, fields, indexes, sources, change, plain_source))
            if updates and connection.vendor == "postgresql":
                # One statement per batch: a round trip per row would dominate on a million rows.
                values = ", ".join(["(" + ", ".join(["%s"] * len(updates[0])) + ")"] * len(updates))
                assignments = ", ".join(f"{c} = v.c{n}" for n, c in enumerate(written))
                names = ", ".join([*(f"c{n}" for n in range(len(written))), "pk"])
                cursor.execute(
                    f"UPDATE {table} SET {assignments} FROM (VALUES {values}) AS v({names}) WHERE {table}.{pk} = v.pk",
                    [value for row in updates for value in row],
                )
            elif updates:
                cursor.executemany(update, updates)
            changed += len(updates)
            last = rows[-1][0]


def _changed_rows(rows, fields, indexes, sources, change, plain_source) -> Iterable[list]:
    columns = len(fields)
    position = {f.name: i for i, f in enumerate(fields)}
    for row in rows:
        pk, values, stored_indexes = row[0], list(row[1 : 1 + columns]), list(row[1 + columns :])
        new_values = [change(field, value) for field, value in zip(fields, values, strict=True)]
        new_indexes = []
        for index, source in zip(indexes, sources, strict=True):
            raw = values[position[source.name]]
            plain = raw if plain_source else _decrypt(source, raw)
            new_indexes.append(index.index_of(plain or ""))
        if new_values != values or new_indexes != stored_indexes:
            yield [*new_values, *new_indexes, pk]


def rotate(*, using: str = "default", batch_size: int = BATCH, apps=global_apps) -> dict[str, int]:
    """Re-encrypt every value not under the current key (PII_KEY_ID) and recompute the blind
    indexes under the current PII_INDEX_KEY. Rows per table that were rewritten."""
    pii.keyring()  # no keys: fail before touching anything
    return {
        model._meta.label: rewrite_table(model, _rotate_value, plain_source=False, using=using, batch_size=batch_size)
        for model in encrypted_models(apps)
    }


def encrypt_columns(*labels: str) -> Callable:
    """A migration step that encrypts the plain values of these models' encrypted columns
    (and fills their blind indexes); made for `RunPython` right after the columns change type."""

    def forwards(apps, schema_editor) -> None:
        for label in labels:
            model = apps.get_model(label)
            rewrite_table(model, _encrypt_plain, plain_source=True, using=schema_editor.connection.alias)

    return forwards


def decrypt_columns(*labels: str) -> Callable:
    """The step backwards: plain values again, before the columns become plain fields."""

    def backwards(apps, schema_editor) -> None:
        for label in labels:
            model = apps.get_model(label)
            rewrite_table(model, _decrypt, plain_source=False, reindex=False, using=schema_editor.connection.alias)

    return backwards


def _unchanged(field: models.Field, stored):
    return stored


def reindex_columns(*labels: str) -> Callable:
    """A migration step that fills these models' blind indexes from the encrypted values (a
    new index field); the values themselves stay as they are."""

    def forwards(apps, schema_editor) -> None:
        for label in labels:
            model = apps.get_model(label)
            rewrite_table(model, _unchanged, plain_source=False, using=schema_editor.connection.alias)

    return forwards
