"""Fast inserts for the demo data: COPY on PostgreSQL, `bulk_create` elsewhere.

Rows are plain tuples in a fixed column order (field attnames), so one generator feeds both
paths. Nothing here sends signals or writes simple-history rows: the demo data is an initial
state, not a change made by somebody.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence

from django.db import connections, models

_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value) -> str:
    if value is None:
        return "\\N"
    return value.translate(_COPY_ESCAPES)


def _copy_plain(value) -> str:
    if value is None:
        return "\\N"
    return str(value)


def _copy_bool(value) -> str:
    if value is None:
        return "\\N"
    return "t" if value else "f"


def _copy_temporal(value) -> str:
    if value is None:
        return "\\N"
    return value.isoformat()


def _formatter(field: models.Field) -> Callable[[object], str]:
    if isinstance(field, models.BooleanField):
        return _copy_bool
    if isinstance(field, models.DateField):  # DateTimeField is a DateField too
        return _copy_temporal
    if isinstance(field, (models.CharField, models.TextField)):
        return _copy_text
    return _copy_plain


def uses_copy(using: str = "default") -> bool:
    return connections[using].vendor == "postgresql"


class RowWriter:
    """Buffers rows of one table and writes them in batches.

    `columns` are attnames of `model` (e.g. "area_id"). Call `flush()` at the end.
    """

    def __init__(self, model: type[models.Model], columns: Sequence[str], *, batch_size: int = 10_000, using="default"):
        self.model = model
        self.columns = list(columns)
        self.batch_size = batch_size
        self.using = using
        self.copy = uses_copy(using)
        self.rows: list[tuple] = []
        self.written = 0
        fields = {f.attname: f for f in model._meta.concrete_fields}
        missing = [c for c in self.columns if c not in fields]
        if missing:
            raise ValueError(f"{model.__name__} has no columns {missing}")
        self._fields = [fields[c] for c in self.columns]
        self._formatters = [_formatter(f) for f in self._fields]

    def add(self, row: tuple) -> None:
        self.rows.append(row)
        if len(self.rows) >= self.batch_size:
            self.flush()

    def extend(self, rows: Iterable[tuple]) -> None:
        self.rows.extend(rows)
        if len(self.rows) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        rows, self.rows = self.rows, []
        if self.copy:
            self._copy(rows)
        else:
            self._bulk_create(rows)
        self.written += len(rows)

    def _copy(self, rows: list[tuple]) -> None:
        formatters = self._formatters
        lines = ["\t".join([fmt(v) for fmt, v in zip(formatters, row, strict=True)]) for row in rows]
        lines.append("")
        connection = connections[self.using]
        qn = connection.ops.quote_name
        sql = "COPY {} ({}) FROM STDIN".format(
            qn(self.model._meta.db_table), ", ".join(qn(f.column) for f in self._fields)
        )
        data = "\n".join(lines)
        with connection.cursor() as cursor:
            raw = cursor.cursor
            if hasattr(raw, "copy_expert"):  # psycopg2
                raw.copy_expert(sql, io.StringIO(data))
            else:  # psycopg 3
                with raw.copy(sql) as copy:
                    copy.write(data)

    def _bulk_create(self, rows: list[tuple]) -> None:
        model, columns = self.model, self.columns
        objects = [model(**dict(zip(columns, row, strict=True))) for row in rows]
        model.objects.using(self.using).bulk_create(objects, batch_size=2000)


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
