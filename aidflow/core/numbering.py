"""Gap-free sequence numbers: one counter row per key, locked by the transaction that takes a number.

If that transaction rolls back, so does the number - so issued numbers never have holes."""

from django.db import connections, models, router


def take_next(counter_model: type[models.Model], **key) -> int:
    """The next number for `key` (e.g. county_code and year), inside the caller's transaction.

    One upsert: the row is created at 1 or its `last` raised by one, and the row stays locked by
    this transaction until it ends (PostgreSQL's ON CONFLICT DO UPDATE locks the row it updates;
    SQLite writes one transaction at a time). `key` names the fields of the model's unique constraint.
    """
    connection = connections[router.db_for_write(counter_model)]
    meta, quote = counter_model._meta, connection.ops.quote_name
    fields = [meta.get_field(name) for name in key]
    columns = ", ".join(quote(field.column) for field in fields)
    table, last = quote(meta.db_table), quote(meta.get_field("last").column)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = (
        f"INSERT INTO {table} ({columns}, {last}) VALUES ({placeholders}, 1) "  # noqa: S608 - names from the model
        f"ON CONFLICT ({columns}) DO UPDATE SET {last} = {table}.{last} + 1 RETURNING {last}"
    )
    values = [field.get_db_prep_value(key[field.name], connection) for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        return cursor.fetchone()[0]
