"""Public disclosure (公示, seed 002 line ~1752): who received aid in a county's month, with the
name masked and no ID number, diagnosis or phone.

The list is the month the county reports (INTERFACES section 11): exactly the cases its monthly
statistics count, read from the same aid ledger - applications by the day the county approved them,
one-stop settlements by the day of discharge, less reversed and refused - so its amounts add up to
the statistics' `totals.aid`. Once the month is signed off the list is the one frozen with it; a
later change to a case of that month is listed, marked, in the list of the month it happened in.
"""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

from django.db.models import Max, Sum
from django.utils import timezone

from aidflow.cases.models import AidLedgerRow, Application
from aidflow.core.cells import csv_row
from aidflow.core.identity import mask_name
from aidflow.policy.requests import AID_TYPE_NAMES, CATEGORY_NAMES
from aidflow.recoveries.models import Revocation
from aidflow.regions.codes import county_of
from aidflow.regions.models import Region
from aidflow.reports.models import DisclosureCorrection, MonthlyReport
from aidflow.reports.statistics import month_bounds
from aidflow.settlements.models import Settlement

COLUMNS = ["村（居）", "姓名", "救助对象类别", "救助类型", "救助金额", "决定日期", "备注"]


def _names(references: set[str]) -> dict[str, str]:
    """The aided person's name of each case: the patient of an application, the settled patient."""
    names = {
        number: patient or applicant
        for number, patient, applicant in Application.objects.filter(number__in=references).values_list(
            "number", "patient_name", "applicant_name"
        )
    }
    names.update(Settlement.objects.filter(number__in=references - set(names)).values_list("number", "name"))
    return names


def _row(village_names: dict, *, region, name, category, aid_type, amount: Decimal, day, note: str = "") -> dict:
    return {
        "village": village_names.get(region, region),
        "name": mask_name(name),
        "category": CATEGORY_NAMES.get(category, category),
        "aid_type": AID_TYPE_NAMES.get(aid_type, aid_type),
        "amount": f"{amount:.2f}",
        "date": day.isoformat() if isinstance(day, datetime.date) else str(day),
        "note": note,
    }


def ledger_disclosure_rows(*, county: str, year: int, month: int) -> list[dict]:
    """The month's cases from the aid ledger, one row per case with its aid."""
    first, last = month_bounds(year, month)
    cases = (
        AidLedgerRow.objects.filter(day__gte=first, day__lte=last, region__startswith=county)
        .values("application__number", "settlement_number")
        .annotate(
            aid=Sum("aid"),
            day=Max("day"),
            region=Max("region"),
            category=Max("category"),
            aid_type=Max("aid_type"),
        )
        .order_by()
    )
    cases = [
        {**case, "reference": case["application__number"] or case["settlement_number"]} for case in cases if case["aid"]
    ]
    names = _names({case["reference"] for case in cases})
    villages = dict(Region.objects.filter(code__in={case["region"] for case in cases}).values_list("code", "name"))
    rows = [
        _row(
            villages,
            region=case["region"],
            name=names.get(case["reference"], ""),
            category=case["category"],
            aid_type=case["aid_type"],
            amount=Decimal(case["aid"]) / 100,
            day=case["day"],
        )
        for case in cases
    ]
    return sorted(rows, key=lambda row: (row["date"], row["village"], row["name"], row["amount"]))


def _correction_rows(county: str, listed_in: str) -> list[dict]:
    corrections = list(DisclosureCorrection.objects.filter(county=county, listed_in=listed_in).order_by("at", "pk"))
    villages = dict(Region.objects.filter(code__in={item.village for item in corrections}).values_list("code", "name"))
    # Aid taken back by a revocation (aidflow.recoveries) says so, with the revocation notice's number.
    revoked = dict(
        Revocation.objects.filter(reference__in={item.reference for item in corrections}).values_list(
            "reference", "notice__number"
        )
    )
    return [
        _row(
            villages,
            region=item.village,
            name=item.name,
            category=item.category,
            aid_type=item.aid_type,
            amount=item.amount,
            day=item.day,
            note=(
                f"撤销{item.month}的救助（{revoked[item.reference]}）"
                if item.amount < 0 and item.reference in revoked
                else f"更正{item.month}已公示名单（{'追加' if item.amount > 0 else '核减'}）"
            ),
        )
        for item in corrections
    ]


def disclosure_rows(*, county: str, year: int, month: int) -> list[dict]:
    """The public list of a county's month: the frozen list once signed off, the ledger's until then,
    followed by the corrections to earlier signed-off months made in this month."""
    label = f"{year:04d}-{month:02d}"
    report = MonthlyReport.objects.filter(region=county, month=label).only("disclosure").first()
    rows = (
        list(report.disclosure) if report is not None else ledger_disclosure_rows(county=county, year=year, month=month)
    )
    for row in rows:
        row.setdefault("note", "")
    return rows + _correction_rows(county, label)


def listed_month(county: str, day: datetime.date) -> str:
    """The first month from `day`'s on whose list is still open: a correction made after that
    month's own sign-off goes to the next one."""
    year, month = day.year, day.month
    submitted = set(
        MonthlyReport.objects.filter(region=county, month__gte=f"{year:04d}-{month:02d}").values_list(
            "month", flat=True
        )
    )
    while f"{year:04d}-{month:02d}" in submitted:
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return f"{year:04d}-{month:02d}"


def ledger_corrections(changes: list[dict]) -> None:
    """Listener of the aid ledger: a change to a signed-off month is never written into its frozen
    list, but recorded to be listed, marked, in the month it happens in."""
    affected = []
    for change in changes:
        county = county_of(change["region"])
        month = f"{change['day']:%Y-%m}"
        affected.append((county, month, change))
    submitted = {
        (region, month)
        for region, month in MonthlyReport.objects.filter(
            region__in={county for county, _month, _change in affected},
            month__in={month for _county, month, _change in affected},
        ).values_list("region", "month")
    }
    late = [(county, month, change) for county, month, change in affected if (county, month) in submitted]
    if not late:
        return
    names = _names({change["reference"] for _county, _month, change in late})
    today = timezone.localdate()
    DisclosureCorrection.objects.bulk_create(
        DisclosureCorrection(
            county=county,
            month=month,
            listed_in=listed_month(county, today),
            reference=change["reference"],
            village=change["region"],
            name=names.get(change["reference"], ""),
            category=change["category"],
            aid_type=change["aid_type"],
            amount=Decimal(change["aid"]).quantize(Decimal("0.01")),
            day=change["day"],
        )
        for county, month, change in late
    )


def disclosure_csv(rows: list[dict]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(
            csv_row(
                [row["village"], row["name"], row["category"], row["aid_type"], row["amount"], row["date"], row["note"]]
            )
        )
    return "\ufeff" + buffer.getvalue()
