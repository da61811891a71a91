"""The roll import at size for benchmarks/scale_batches.py (`--only batches --batch-parts rolls`):
a generated CSV of ROLL_ROWS rows in the import's own format (valid resident IDs, dibao/tekun,
陵城区's villages), previewed and confirmed through the import service, then again through
`manage.py import_recipients`."""

from __future__ import annotations

import csv
import datetime
import io
import tempfile
from pathlib import Path

from scale_batches import PAY_COUNTY, ROLL_MARK, Peak, _sql, _villages, resident_id


def roll_file(n: int, path: Path) -> None:
    from scale_load import GIVEN, SURNAMES

    villages = _villages(PAY_COUNTY)
    born = datetime.date(1930, 1, 1)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id_number", "name", "category", "region", "valid_from", "valid_to"])
        for index in range(n):
            body = f"{PAY_COUNTY}{born + datetime.timedelta(days=index // 1000):%Y%m%d}{index % 1000:03d}"
            name = SURNAMES[index % len(SURNAMES)] + GIVEN[(index // 7) % len(GIVEN)]
            category = ("dibao", "tekun")[index % 2]
            writer.writerow([resident_id(body), name, category, villages[index % len(villages)], ROLL_MARK, ""])


def roll_figures(n: int, log) -> dict:
    """The roll as a county office loads it: uploaded for its preview (every row's outcome, in the
    worker), confirmed (written); then the same file again through `manage.py import_recipients`."""
    from django.contrib.auth import get_user_model
    from django.core.files import File
    from django.core.management import call_command

    from aidflow.imports.services import import_build, import_confirm, import_upload, import_write
    from aidflow.regions.scope import scope_codes

    log(f"rolls: {n:,} rows ...")
    _sql("DELETE FROM rolls_rollchange WHERE valid_from = %s", [ROLL_MARK])
    _sql("DELETE FROM rolls_rollperiod WHERE valid_from = %s", [ROLL_MARK])
    path = Path(tempfile.gettempdir()) / f"aidflow-roll-{n}.csv"
    if not path.exists():
        roll_file(n, path)
    approver = next(
        user
        for user in get_user_model().objects.filter(staff__role="county_approver", is_active=True)
        if any(code.startswith(PAY_COUNTY) for code in scope_codes(user))
    )
    with Peak() as peak, path.open("rb") as handle:
        data_import = import_build(import_upload(user=approver, kind="recipients", upload=File(handle)).pk)
    log(f"  preview (upload + every row's outcome): {peak.seconds} s, +{peak.mb} MB: {data_import.counts}")
    figures = {"preview": peak.figures(bytes=path.stat().st_size, summary=str(data_import.counts))}
    with Peak() as peak:
        import_confirm(user=approver, pk=data_import.pk)
        data_import = import_write(data_import.pk)
    log(f"  confirm (written): {peak.seconds} s, +{peak.mb} MB: {data_import.status} {data_import.result}")
    figures["first"] = peak.figures(summary=f"{data_import.status} {data_import.result}")
    out = io.StringIO()
    with Peak() as peak:
        call_command("import_recipients", str(path), stdout=out)
    log(f"  import_recipients again (nothing changed): {peak.seconds} s, +{peak.mb} MB")
    figures["again"] = peak.figures(summary=out.getvalue().strip())
    return figures
