"""Migration operations that only PostgreSQL gets: triggers and indexes SQLite has no equivalent for."""

from django.db import migrations, router


class PostgresqlOnlySQL(migrations.RunSQL):
    """SQL run on PostgreSQL only, nothing on SQLite. A RunSQL, so `sqlmigrate` shows it and the
    migration linter reads it (manage.py lint_migrations)."""

    def _here(self, app_label, schema_editor) -> bool:
        connection = schema_editor.connection
        return connection.vendor == "postgresql" and router.allow_migrate(connection.alias, app_label, **self.hints)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if self._here(app_label, schema_editor):
            schema_editor.execute(self.sql, params=None)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if self._here(app_label, schema_editor):
            schema_editor.execute(self.reverse_sql, params=None)


def postgresql_only(create: str, drop: str) -> PostgresqlOnlySQL:
    """Run `create` on migrate and `drop` on reverse, on PostgreSQL only; nothing on SQLite."""
    return PostgresqlOnlySQL(create, drop)


class AddIndexConcurrently(migrations.AddIndex):
    """An index built without blocking writes: CREATE INDEX CONCURRENTLY on PostgreSQL (in a migration
    with `atomic = False`), a plain index on SQLite, which has no such thing and no such tables."""

    atomic = False

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        from django.contrib.postgres.operations import AddIndexConcurrently as PostgresAddIndexConcurrently

        return PostgresAddIndexConcurrently(self.model_name, self.index).database_forwards(
            app_label, schema_editor, from_state, to_state
        )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return super().database_backwards(app_label, schema_editor, from_state, to_state)
        from django.contrib.postgres.operations import AddIndexConcurrently as PostgresAddIndexConcurrently

        return PostgresAddIndexConcurrently(self.model_name, self.index).database_backwards(
            app_label, schema_editor, from_state, to_state
        )

    def describe(self):
        return f"Concurrently create index {self.index.name} on {self.model_name}"


class SqliteOnly(migrations.operations.base.Operation):
    """Another operation's schema change on SQLite only (its tables are small and it has no NOT
    VALID); PostgreSQL gets the same change without blocking writes from PostgresqlOnlySQL beside it.
    Used inside a SeparateDatabaseAndState, whose state operations make the project's state."""

    reduces_to_sql = False
    reversible = True

    def __init__(self, operation):
        self.operation = operation

    def state_forwards(self, app_label, state):
        # Within a SeparateDatabaseAndState's database operations: the states each step sees.
        self.operation.state_forwards(app_label, state)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "sqlite":
            self.operation.database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "sqlite":
            self.operation.database_backwards(app_label, schema_editor, from_state, to_state)

    def describe(self):
        return f"On SQLite: {self.operation.describe()}"

    def deconstruct(self):
        return (self.__class__.__qualname__, [self.operation], {})
