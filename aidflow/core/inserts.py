"""Many rows into one table without building a model instance per row: the imports' half a million
rows spend most of their time in the ORM's per-field preparation otherwise. PostgreSQL gets
COPY, SQLite an executemany; dates and times are adapted as
the ORM would, dicts and lists written as JSON text."""

from __future__ import annotations

import csv
import datetime
import io
import json

from django.db import connection

PAGE = 5000
NULL = "\\N"


def _json(value):
    return None if value is None else json.dumps(value, ensure_ascii=False)


def _converters(rows: list[tuple]) -> list:
    """Per column, what turns a value into what the database takes (None: as it is), judged by the
    first non-empty value: PostgreSQL's driver takes dates and times as they are, SQLite gets the
    ORM's text for them; dicts and lists become JSON text on both."""
    found = []
    for index in range(len(rows[0])):
        value = next((row[index] for row in rows if row[index] is not None), None)
        if isinstance(value, dict | list):
            found.append(_json)
        elif connection.vendor != "postgresql" and isinstance(value, datetime.datetime):
            found.append(connection.ops.adapt_datetimefield_value)
        elif connection.vendor != "postgresql" and isinstance(value, datetime.date):
            found.append(connection.ops.adapt_datefield_value)
        else:
            found.append(None)
    return found


def _copy(cursor, table: str, names: str, rows: list[tuple]) -> None:
    """PostgreSQL's COPY from CSV text: no statement to build per row. NULL is written \\N, which no
    value of these tables holds as text."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for row in rows:
        writer.writerow(NULL if value is None else value for value in row)
    buffer.seek(0)
    cursor.copy_expert(f"COPY {table} ({names}) FROM STDIN WITH (FORMAT csv, NULL '{NULL}')", buffer)


def rows_insert(model, columns: list[str], rows: list[tuple]) -> int:
    """Insert `rows` (tuples in the order of `columns`, the model's field names) into `model`'s
    table, inside the caller's transaction; returns the count. No signals, no defaults: every
    column not given must have a database default or allow NULL."""
    if not rows:
        return 0
    converters = _converters(rows)
    if any(converters):
        rows = [
            tuple(value if convert is None else convert(value) for value, convert in zip(row, converters, strict=True))
            for row in rows
        ]
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(model._meta.get_field(name).column) for name in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for first in range(0, len(rows), PAGE):
                _copy(cursor.cursor, table, names, rows[first : first + PAGE])
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)  # noqa: S608
    return len(rows)
