"""manage.py lint_migrations [APP [MIGRATION]] - django-migration-linter over AidFlow's migrations
with the rules of aidflow.ops.migration_lint; exit 1 on any error. Needs requirements-dev.txt and
a PostgreSQL DATABASE_URL (it reads the SQL PostgreSQL would run; the database is not changed)."""

import logging
import sys

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections


class Command(BaseCommand):
    help = "Lint the migrations: backward compatibility, and nothing that blocks writes to a big table."

    def add_arguments(self, parser):
        parser.add_argument("app_label", nargs="?")
        parser.add_argument("migration_name", nargs="?")
        parser.add_argument("--all", action="store_true", help="lint the accepted migrations too")

    def handle(self, *args, app_label=None, migration_name=None, **options):
        try:
            from aidflow.ops.migration_lint import NOT_CHECKED, PROJECT_APPS, AidflowMigrationLinter
        except ImportError as error:
            message = f"the migration linter is a test tool: pip install -r requirements-dev.txt ({error})"
            raise CommandError(message) from None
        if connections[DEFAULT_DB_ALIAS].vendor != "postgresql":
            raise CommandError("lint the migrations against PostgreSQL (DATABASE_URL=postgres://...)")
        # One line per migration is enough; the linter's own log repeats each sqlmigrate call.
        logging.getLogger("django_migration_linter").setLevel(logging.WARNING)
        linter = AidflowMigrationLinter(
            None,
            accepted={} if options["all"] else None,
            include_apps=[app_label] if app_label else list(PROJECT_APPS),
            exclude_migration_tests=NOT_CHECKED,
            no_cache=True,
            no_output=options["verbosity"] == 0,
            quiet=["ignore"],
        )
        linter.lint_all_migrations(app_label=app_label, migration_name=migration_name)
        linter.print_summary()
        if linter.has_errors:
            sys.exit(1)
