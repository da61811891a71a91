"""Public disclosure (公示, seed 002 line ~1752): who received aid in a county's month, with the
name masked and no ID number, diagnosis or phone."""

from __future__ import annotations

import csv
import io

from django.utils import timezone

from aidflow.cases.models import Application
from aidflow.core.cells import csv_row
from aidflow.core.dates import day_bounds
from aidflow.core.identity import mask_name
from aidflow.policy.requests import AID_TYPE_NAMES, CATEGORY_NAMES
from aidflow.regions.models import Region
from aidflow.reports.statistics import month_bounds
from aidflow.settlements.models import Settlement, SettlementStatus

COLUMNS = ["村（居）", "姓名", "救助对象类别", "救助类型", "救助金额", "决定日期"]


def disclosure_rows(*, county: str, year: int, month: int) -> list[dict]:
    """One row per approved case of the month: applications by the county's decision day,
    one-stop settlements whose claim the county approved, by the day the window settled them."""
    first, last = month_bounds(year, month)
    applications = Application.objects.filter(
        status="approved", decided_on__range=(first, last), village__code__startswith=county
    ).values_list("village_id", "applicant_name", "category", "aid_type", "amount", "decided_on")
    # Settlements once the county approved them, in the month the window settled them.
    start, end = day_bounds(first, last)
    settlements = Settlement.objects.filter(
        status=SettlementStatus.APPROVED, settled_at__gte=start, settled_at__lt=end, county=county
    ).values_list("region", "name", "category", "aid_type", "amount", "settled_at")
    raw = [(*row[:5], row[5]) for row in applications] + [
        (*row[:5], timezone.localtime(row[5]).date()) for row in settlements
    ]
    names = dict(Region.objects.filter(code__in={row[0] for row in raw}).values_list("code", "name"))
    rows = [
        {
            "village": names.get(region, region),
            "name": mask_name(name),
            "category": CATEGORY_NAMES.get(category, category),
            "aid_type": AID_TYPE_NAMES.get(aid_type, aid_type),
            "amount": f"{amount:.2f}",
            "date": day.isoformat(),
        }
        for region, name, category, aid_type, amount, day in raw
    ]
    return sorted(rows, key=lambda row: (row["date"], row["village"], row["name"]))


def disclosure_csv(rows: list[dict]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(
            csv_row([row["village"], row["name"], row["category"], row["aid_type"], row["amount"], row["date"]])
        )
    return "\ufeff" + buffer.getvalue()
