"""The auditors' CSV export of the audit log; exporting is itself recorded."""

from __future__ import annotations

import csv
import json

from django.utils import timezone

from aidflow.audit.labels import action_labels, details_summary, role_labels, stage_labels
from aidflow.audit.models import AuditAction
from aidflow.audit.selectors import filtered_events
from aidflow.audit.services import audit_record
from aidflow.core.cells import csv_row
from aidflow.core.labels import actor_label, region_name

# People read the first columns; programs read the codes at the end.
EXPORT_COLUMNS = [
    "序号",
    "时间",
    "操作人",
    "角色",
    "地区",
    "操作",
    "申请编号",
    "环节",
    "摘要",
    "详情（JSON）",
    "哈希",
    "role",
    "action",
    "stage",
]


def audit_export(*, user, filters: dict, out) -> int:
    """Write the auditor's filtered events to `out` as CSV (with a BOM for spreadsheet programs);
    the export itself is recorded. Returns the number of rows."""
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    count = 0
    roles, actions, stages = role_labels(), action_labels(), stage_labels()
    regions: dict[str, str] = {}
    for event in filtered_events(user, filters).iterator(chunk_size=2000):
        writer.writerow(
            csv_row(
                [
                    event.seq,
                    timezone.localtime(event.at).isoformat(),
                    actor_label(event.actor_name),
                    str(roles.get(event.role, event.role)),
                    regions.setdefault(event.region, region_name(event.region)) if event.region else "",
                    str(actions.get(event.action, event.action)),
                    event.application.number if event.application_id else "",
                    str(stages.get(event.stage, event.stage)),
                    details_summary(event.details, 2000),
                    json.dumps(event.details, ensure_ascii=False, sort_keys=True),
                    event.hash,
                    event.role,
                    event.action,
                    event.stage,
                ]
            )
        )
        count += 1
    audit_record(actor=user, action=AuditAction.AUDIT_EXPORTED, details={"filters": filters, "rows": count})
    return count
