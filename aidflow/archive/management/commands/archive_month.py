"""`archive_month --county CODE --month YYYY-MM --out FILE`: a county's month of dossiers as a ZIP."""

from __future__ import annotations

import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from aidflow.archive.monthly import archive_month_check, archive_month_write
from aidflow.core.errors import InputErrors


class Command(BaseCommand):
    help = "Write the dossiers of a county's cases decided or closed in a month, with an index, as a ZIP."

    def add_arguments(self, parser):
        parser.add_argument("--county", required=True, help="the county's 6-digit code")
        parser.add_argument("--month", required=True, help="YYYY-MM")
        parser.add_argument("--out", required=True, help="the ZIP file to write")

    def handle(self, *args, county, month, out, **options):
        try:
            region, year, number = archive_month_check(user=None, county=county, month=month)
        except InputErrors as error:
            raise CommandError(
                "; ".join(f"--{field}: {' '.join(messages)}" for field, messages in error.errors.items())
            ) from None
        target = Path(out)
        if not target.parent.is_dir():
            raise CommandError(f"--out: the folder {target.parent} does not exist")
        # Written beside the target and renamed at the end: no half-written ZIP under its name.
        partial = target.with_name(target.name + ".partial")
        try:
            with partial.open("wb") as handle:
                numbers = archive_month_write(user=None, county=region, year=year, month=number, out=handle)
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)
        self.stdout.write(f"{target}: {len(numbers)} dossiers of {region.code} for {year:04d}-{number:02d}")
