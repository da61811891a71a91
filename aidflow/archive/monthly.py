"""A county's monthly archive export: the dossiers of the cases decided or closed in the month, as a
ZIP with an index workbook listing them by person and by disease chapter (ICD-10), for the paper
archive (按照救助人员、疾病类别，分别存档). Written case by case into a file, so memory holds one
dossier at a time however long the month is; every export is recorded in the audit log."""

from __future__ import annotations

import calendar
import datetime
import tempfile
import zipfile

from django.db.models import Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from aidflow.archive.dossier import disease_chapters, dossier_bytes, dossier_filename
from aidflow.audit.models import AuditAction
from aidflow.audit.services import audit_record
from aidflow.cases.models import Application
from aidflow.core.dates import day_bounds, month_value
from aidflow.core.errors import InputErrors
from aidflow.core.sheets import Column, ListWorkbook, export_notes, user_label
from aidflow.regions.models import Level, Region
from aidflow.regions.scope import visible_regions

INDEX_NAME = "索引.xlsx"
# Held in memory up to this size, then on disk: a month of dossiers is tens of megabytes.
SPOOL_BYTES = 4 * 1024 * 1024


def archive_counties(user) -> list[Region]:
    """The counties the user's scope covers whole (county staff, auditors of the county or above)."""
    return list(visible_regions(user).filter(level=Level.COUNTY).order_by("code"))


def archive_month_check(*, user, county: str, month: str) -> tuple[Region, int, int]:
    """The county and the month asked for, or InputErrors naming the bad field. `user` None: a
    command run by the operator, whom no scope limits."""
    errors: dict[str, list[str]] = {}
    parsed = month_value((month or "").strip())
    if parsed is None:
        errors["month"] = [_("A month is written YYYY-MM, e.g. 2026-03.")]
    region = Region.objects.filter(code=(county or "").strip(), level=Level.COUNTY).first()
    if region is None:
        errors["county"] = [_("No county has this code.")]
    elif user is not None and region not in archive_counties(user):
        errors["county"] = [_("This county is not in your scope.")]
    if errors:
        raise InputErrors(errors)
    return region, parsed[0], parsed[1]


def month_cases(county: Region, year: int, month: int) -> QuerySet[Application]:
    """The county's cases decided, or closed, in the month (Asia/Shanghai days), by number."""
    first = datetime.date(year, month, 1)
    last = first.replace(day=calendar.monthrange(year, month)[1])
    start, end = day_bounds(first, last)
    return (
        Application.objects.filter(village__code__startswith=county.code)
        .filter(Q(decided_on__range=(first, last)) | Q(closed_at__gte=start, closed_at__lt=end))
        .select_related("village__parent__parent", "policy")
        .order_by("number")
    )


def archive_filename(county: Region, year: int, month: int) -> str:
    return f"{county.code}-{year:04d}-{month:02d}-案卷.zip"


def archive_spool():
    """Where a ZIP is written before it is sent: memory for a small month, a temporary file beyond."""
    return tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)


def _person_columns() -> list[Column]:
    return [
        Column(_("Name"), 12),
        Column(_("ID number"), 22),
        Column(_("Number"), 20),
        Column(_("Status"), 10),
        Column(_("Decided on"), 12, "date"),
        Column(_("Approved amount"), 14, "money"),
        Column(_("Disease chapter"), 40),
        Column(_("File in the ZIP"), 30),
    ]


def _chapter_columns() -> list[Column]:
    return [
        Column(_("Disease chapter"), 40),
        Column(_("Name"), 12),
        Column(_("ID number"), 22),
        Column(_("Number"), 20),
        Column(_("File in the ZIP"), 30),
    ]


def _index(entries: list[dict], *, county: Region, month_text: str, exported_by: str) -> bytes:
    """The index workbook: by person (name, then number), by disease chapter, and the notes."""
    book = ListWorkbook()
    by_person = sorted(entries, key=lambda entry: (entry["name"], entry["number"]))
    rows = (
        [
            entry["name"],
            entry["id_number"],
            entry["number"],
            entry["status"],
            entry["decided_on"],
            entry["amount"],
            "；".join(entry["chapters"]) or _("No ICD-10 code"),
            entry["file"],
        ]
        for entry in by_person
    )
    count, capped = book.sheet(_("By person"), _person_columns(), rows)
    by_chapter = sorted(
        ((chapter, entry) for entry in entries for chapter in (entry["chapters"] or [_("No ICD-10 code")])),
        key=lambda pair: (pair[0], pair[1]["name"], pair[1]["number"]),
    )
    book.sheet(
        _("By disease chapter"),
        _chapter_columns(),
        ([chapter, entry["name"], entry["id_number"], entry["number"], entry["file"]] for chapter, entry in by_chapter),
    )
    export_notes(
        book,
        title=_("Monthly archive of case dossiers"),
        filters=[(_("County"), f"{county.name}（{county.code}）"), (_("Month"), month_text)],
        exported_by=exported_by,
        count=count,
        capped=capped,
    )
    return book.content()


def _entry(application: Application, filename: str) -> dict:
    return {
        "name": application.patient_full_name,
        "id_number": application.masked_id_number,
        "number": application.number,
        "status": application.get_status_display(),
        "decided_on": application.decided_on or timezone.localtime(application.closed_at).date(),
        "amount": application.amount if application.status == "approved" else None,
        "chapters": disease_chapters(application),
        "file": filename,
    }


def archive_month_write(*, user, county: Region, year: int, month: int, out) -> list[str]:
    """Write the month's ZIP into the binary file `out` and record the export; the case numbers.
    `user` None: the operator's command (recorded as `archive_month`)."""
    month_text = f"{year:04d}-{month:02d}"
    exported_by = user_label(user) if user is not None else "archive_month"
    entries = []
    with translation.override("zh-hans"), zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for application in month_cases(county, year, month).iterator(chunk_size=100):
            filename = dossier_filename(application)
            archive.writestr(filename, dossier_bytes(application, printed_by=exported_by))
            entries.append(_entry(application, filename))
        archive.writestr(INDEX_NAME, _index(entries, county=county, month_text=month_text, exported_by=exported_by))
    numbers = [entry["number"] for entry in entries]
    audit_record(
        actor=user,
        actor_name=None if user is not None else "archive_month",
        action=AuditAction.ARCHIVE_EXPORTED,
        region=county.code,
        details={"county": county.code, "month": month_text, "cases": len(numbers), "numbers": numbers},
    )
    return numbers
