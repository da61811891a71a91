"""Migration operations that only PostgreSQL gets: triggers and indexes SQLite has no equivalent for."""

from django.db import migrations


def postgresql_only(create: str, drop: str) -> migrations.RunPython:
    """Run `create` on migrate and `drop` on reverse, on PostgreSQL only; nothing on SQLite."""

    def forward(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(create, params=None)

    def backward(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(drop, params=None)

    return migrations.RunPython(forward, backward)
