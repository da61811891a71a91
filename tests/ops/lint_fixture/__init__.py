"""A Django app whose migrations touch the stage clocks' table the ways a developer might: the
migration linter must refuse the blocking ones (tests/ops/test_migration_lint.py). Installed only by
its own settings module, never in the project's."""
