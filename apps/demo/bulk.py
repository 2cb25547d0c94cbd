"""Fast inserts for the demo data: COPY on PostgreSQL, `bulk_create` elsewhere.

Rows are plain tuples in a fixed column order (field attnames), so one generator feeds both
paths. Nothing here sends signals or writes simple-history rows: the demo data is an initial
state, not a change made by somebody.
"""

from __future__ import annotations

import io
import queue
import re
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date

from django.db import connections, models

from apps.common import pii
from apps.common.pii_tables import encrypted_fields, index_fields


def uses_copy(using: str = "default") -> bool:
    return connections[using].vendor == "postgresql"


class CopyPipe:
    """Runs COPY statements on a background thread, in order, on the caller's connection.

    The caller keeps generating the next batch while PostgreSQL ingests the previous one, so
    both CPU cores work. It shares the caller's session and transaction (psycopg connections
    are thread-safe); the caller must make no other query until `close()` returns.
    """

    def __init__(self, using: str = "default", depth: int = 3):
        connection = connections[using]
        connection.ensure_connection()
        self._raw = connection.connection
        self._queue: queue.Queue = queue.Queue(maxsize=depth)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="seed-demo-copy", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            job = self._queue.get()
            if job is None:
                return
            if self._error is not None:
                continue
            sql, data = job
            try:
                _copy(self._raw, sql, data)
            except BaseException as exc:  # handed to the caller by put() / close()
                self._error = exc

    def put(self, sql: str, data: str | bytes) -> None:
        if self._error is not None:
            self.close()
        self._queue.put((sql, data))

    def close(self) -> None:
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()
        if self._error is not None:
            error, self._error = self._error, None
            raise error


def _copy(raw_connection, sql: str, data: str | bytes) -> None:
    """COPY `data` (text, or text already encoded as UTF-8) into the table named in `sql`."""
    with raw_connection.cursor() as cursor:
        if hasattr(cursor, "copy_expert"):  # psycopg2
            stream = io.BytesIO(data) if isinstance(data, bytes) else io.StringIO(data)
            cursor.copy_expert(sql, stream, size=1 << 20)
        else:  # psycopg 3
            with cursor.copy(sql) as copy:
                copy.write(data)


NULL = "\\N"
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_text(value: str) -> str:
    """`value` as a field of COPY's text format (backslash, tab and newlines escaped)."""
    return value.translate(_ESCAPES)


def copy_value(value: object) -> str:
    """A Python value (text, number, boolean, date or moment, or None) as a COPY text field."""
    if value is None:
        return NULL
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, str):
        return copy_text(value)
    if isinstance(value, date):  # and datetime: ISO text, with its offset when aware
        return value.isoformat()
    return str(value)


def copy_lines(rows: Sequence[tuple[str, ...]]) -> str:
    """Rows of COPY text fields as COPY's input."""
    if not rows:
        return ""
    return "\n".join(["\t".join(row) for row in rows]) + "\n"


_UNESCAPES = {"t": "\t", "n": "\n", "r": "\r", "\\": "\\"}
_ESCAPED = re.compile(r"\\(.)")


def _python(field: str) -> str | None:
    """A COPY text field back as the value Django's fields parse (for bulk_create)."""
    if field == NULL:
        return None
    if "\\" in field:
        return _ESCAPED.sub(lambda m: _UNESCAPES.get(m.group(1), m.group(1)), field)
    return field


class Sealer:
    """Residents' personal data in COPY rows, as the ORM would store it (apps.common.fields).

    COPY bypasses the fields, so the rows' plain texts in encrypted columns are encrypted here,
    a whole batch per column (`pii.encrypt_many`: one SM4 call per block position), and the
    blind index of each phone is computed and appended as an extra column (`columns`). Run it
    where the rows are made: in the worker processes of a parallel load.

    The demo's residents are invented and their names, phones and addresses repeat, so each
    distinct plain text is sealed once per Sealer and its ciphertext reused (at most `MEMO`
    texts a column, then the memo starts afresh): the rows decrypt to the same texts and the
    blind indexes match them, at a fraction of the cost. Equal ciphertexts show which invented
    rows hold equal values, as the blind indexes of names and phones already do; data of real
    residents goes through the fields, one fresh IV per value.
    """

    MEMO = 250_000

    def __init__(self, model: type[models.Model], columns: Sequence[str]):
        fields = {f.attname: f for f in model._meta.concrete_fields}
        names = {f.name: f.attname for f in model._meta.concrete_fields}
        encrypted = set(encrypted_fields(model))
        self.encrypted = [(i, fields[c]) for i, c in enumerate(columns) if fields.get(c) in encrypted]
        position = {c: i for i, c in enumerate(columns)}
        self.indexes = [(f, position[names[f.source]]) for f in index_fields(model) if names[f.source] in position]
        self.columns = [*columns, *(f.attname for f, _source in self.indexes)]
        self.memos: dict[str, dict[str, str]] = {}  # column → {COPY text → sealed COPY text}

    def _memo(self, column: str) -> dict[str, str]:
        memo = self.memos.get(column)
        if memo is None or len(memo) > self.MEMO:
            memo = self.memos[column] = {}
        return memo

    def seal(self, rows: Sequence[tuple[str, ...]]) -> Sequence[tuple[str, ...]]:
        if not rows or not (self.encrypted or self.indexes):
            return rows
        columns = list(zip(*rows, strict=True))
        for index, source in self.indexes:
            memo = self._memo(index.attname)
            for v in set(columns[source]).difference(memo):
                memo[v] = index.index_of(_python(v) or "")
            columns.append(tuple(map(memo.__getitem__, columns[source])))
        for i, field in self.encrypted:
            memo = self._memo(field.attname)
            missing = list(set(columns[i]).difference(memo))
            if missing:
                plain = [_python(v) for v in missing]
                sealed = pii.encrypt_many([field.plaintext(field.to_python(v)) if v else "" for v in plain])
                memo.update((v, NULL if p is None else c) for v, p, c in zip(missing, plain, sealed, strict=True))
            columns[i] = tuple(map(memo.__getitem__, columns[i]))
        return list(zip(*columns, strict=True))

    def copy_lines(self, rows: Sequence[tuple[str, ...]]) -> str:
        return copy_lines(self.seal(rows))


class RowWriter:
    """Buffers rows of one table and writes them in batches.

    A row is a tuple of fields in COPY's text format, in the order of `columns` (attnames such
    as "area_id"): strings already escaped with `copy_text` where they may need it, `NULL` for
    NULL, "t"/"f" for booleans, ISO text for dates. Building rows as text once is what makes a
    million requests cheap; on PostgreSQL the rows go out by COPY (through `pipe` when given),
    elsewhere Django parses the same texts in `bulk_create`. Call `flush()` at the end.
    """

    def __init__(
        self,
        model: type[models.Model],
        columns: Sequence[str],
        *,
        batch_size: int = 10_000,
        using: str = "default",
        pipe: CopyPipe | None = None,
    ):
        self.model = model
        self.columns = list(columns)
        self.batch_size = batch_size
        self.using = using
        self.pipe = pipe
        self.copy = uses_copy(using)
        self.rows: list[tuple[str, ...]] = []
        self.written = 0
        fields = {f.attname: f for f in model._meta.concrete_fields}
        missing = [c for c in self.columns if c not in fields]
        if missing:
            raise ValueError(f"{model.__name__} has no columns {missing}")
        self.sealer = Sealer(model, self.columns)
        qn = connections[using].ops.quote_name
        self.copy_sql = "COPY {} ({}) FROM STDIN".format(
            qn(model._meta.db_table), ", ".join(qn(fields[c].column) for c in self.sealer.columns)
        )

    def add(self, row: tuple[str, ...]) -> None:
        self.rows.append(row)
        if len(self.rows) >= self.batch_size:
            self.flush()

    def extend(self, rows: Iterable[tuple[str, ...]]) -> None:
        self.rows.extend(rows)
        if len(self.rows) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        rows, self.rows = self.rows, []
        if self.copy:
            data = self.sealer.copy_lines(rows)
            if self.pipe is not None:
                self.pipe.put(self.copy_sql, data)
            else:
                connection = connections[self.using]
                connection.ensure_connection()
                _copy(connection.connection, self.copy_sql, data)
        else:
            model, columns = self.model, self.columns
            objects = [model(**{c: _python(v) for c, v in zip(columns, row, strict=True)}) for row in rows]
            model.objects.using(self.using).bulk_create(objects, batch_size=2000)
        self.written += len(rows)


def reserve_ids(model: type[models.Model], count: int, *, using: str = "default") -> int:
    """Reserve `count` consecutive primary keys and return the first one.

    On PostgreSQL the sequence is moved past the block, so later inserts by the app never
    collide; SQLite's rowid allocation continues after the highest explicit id by itself.
    """
    connection = connections[using]
    table = model._meta.db_table
    pk = model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            if count <= 0:
                return 0
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, %s), nextval(pg_get_serial_sequence(%s, %s)) + %s - 1)",
                [table, pk, table, pk, count],
            )
            last = cursor.fetchone()[0]
            return last - count + 1
        cursor.execute(f"SELECT MAX({connection.ops.quote_name(pk)}) FROM {connection.ops.quote_name(table)}")
        top = cursor.fetchone()[0] or 0
        return top + 1


@contextmanager
def indexes_deferred(*models: type[models.Model], using: str = "default") -> Iterator[None]:
    """Load these tables without their secondary indexes and foreign keys, then rebuild them.

    Building an index once over a million rows is many times faster than updating it row by
    row, and re-adding a foreign key checks all rows in one join instead of one trigger per
    row at commit. The definitions are read from the catalogue and restored verbatim, inside
    the caller's transaction: if anything fails, PostgreSQL rolls the DDL back with the data.
    Partial b-tree indexes stay: they hold a fraction of the rows, and one rebuilt from its
    definition may come back spelt differently. The tables are analysed at the end. Elsewhere
    (SQLite) this does nothing.
    """
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    tables = [m._meta.db_table for m in models]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT contype,
                   format('ALTER TABLE %%s DROP CONSTRAINT %%I', conrelid::regclass, conname),
                   format('ALTER TABLE %%s ADD CONSTRAINT %%I %%s', conrelid::regclass, conname,
                          pg_get_constraintdef(oid))
            FROM pg_constraint
            WHERE conrelid = ANY(%s::regclass[]) AND contype IN ('f', 'u')
            ORDER BY contype, conname
            """,
            [tables],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            """
            SELECT format('DROP INDEX %%s', i.indexrelid::regclass), pg_get_indexdef(i.indexrelid)
            FROM pg_index i
            WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
              -- A partial b-tree holds a few of the rows and is cheap to keep up; rebuilt from
              -- pg_get_indexdef it may come back spelt differently (a cast in its WHERE).
              AND NOT (i.indpred IS NOT NULL
                       AND (SELECT am.amname FROM pg_class ic JOIN pg_am am ON am.oid = ic.relam
                            WHERE ic.oid = i.indexrelid) = 'btree')
            ORDER BY 1
            """,
            [tables],
        )
        indexes = cursor.fetchall()
        foreign = [(drop, add) for kind, drop, add in constraints if kind == "f"]
        unique = [(drop, add) for kind, drop, add in constraints if kind == "u"]
        # ALTER TABLE waits for no deferred check: run the pending ones (rows written so far) now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for drop, _add in [*foreign, *unique, *indexes]:
            cursor.execute(drop)
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    yield
    with connection.cursor() as cursor:
        # Room to sort for the index builds, and to hash the parent keys in memory when the
        # foreign keys are validated (a spilled hash join is several times slower).
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        cursor.execute("SET LOCAL work_mem = '256MB'")
        for _drop, add in [*indexes, *unique, *foreign]:
            cursor.execute(add)
        # Fresh statistics, so the first queries after a big load are planned well.
        for table in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
