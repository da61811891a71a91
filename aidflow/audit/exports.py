"""The auditors' CSV export of the audit log; exporting is itself recorded."""

from __future__ import annotations

import csv

from django.utils import timezone

from aidflow.audit.models import AuditAction
from aidflow.audit.selectors import filtered_events
from aidflow.audit.services import audit_record
from aidflow.core.cells import csv_row

EXPORT_COLUMNS = ["seq", "at", "actor", "role", "region", "action", "application", "stage", "details", "hash"]


def audit_export(*, user, filters: dict, out) -> int:
    """Write the auditor's filtered events to `out` as CSV (with a BOM for spreadsheet programs);
    the export itself is recorded. Returns the number of rows."""
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    count = 0
    for event in filtered_events(user, filters).iterator(chunk_size=2000):
        writer.writerow(
            csv_row(
                [
                    event.seq,
                    timezone.localtime(event.at).isoformat(),
                    event.actor_name,
                    event.role,
                    event.region,
                    event.action,
                    event.application.number if event.application_id else "",
                    event.stage,
                    event.details,
                    event.hash,
                ]
            )
        )
        count += 1
    audit_record(actor=user, action=AuditAction.AUDIT_EXPORTED, details={"filters": filters, "rows": count})
    return count
