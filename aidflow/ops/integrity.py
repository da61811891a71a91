"""What a restored copy must still prove: every stored file has its recorded SHA-256, and every
signed-off month still hashes to what its signer signed.

Run after every restore (scripts/restore.sh) and at will (`manage.py verify_integrity`). Problems
name the notice by its number, the document by its id and the month by county and month: no
personal data.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.core.files.storage import default_storage

from aidflow.cases.models import Document
from aidflow.notices.models import Notice
from aidflow.reports.ledger import figures_hash
from aidflow.reports.models import MonthlyReport

CHUNK = 1024 * 1024


@dataclass
class IntegrityReport:
    notices: int = 0
    documents: int = 0
    months: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def file_sha256(name: str) -> str | None:
    """The SHA-256 of a stored file, or None when it is missing."""
    if not name or not default_storage.exists(name):
        return None
    digest = hashlib.sha256()
    with default_storage.open(name, "rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _check_file(report: IntegrityReport, label: str, name: str, expected: str) -> None:
    actual = file_sha256(name)
    if actual is None:
        report.problems.append(f"{label}: file {name or '(none)'} is missing")
    elif actual != expected:
        report.problems.append(f"{label}: file {name} has SHA-256 {actual}, recorded {expected}")


def integrity_verify() -> IntegrityReport:
    """Hash every rendered notice's PDF and every document, and every frozen month's figures."""
    report = IntegrityReport()
    notices = Notice.objects.exclude(sha256="").order_by("pk").values_list("number", "pdf", "sha256")
    for number, name, expected in notices.iterator(chunk_size=2000):
        report.notices += 1
        _check_file(report, f"notice {number}", name, expected)
    documents = Document.objects.order_by("pk").values_list("pk", "file", "sha256")
    for pk, name, expected in documents.iterator(chunk_size=2000):
        report.documents += 1
        _check_file(report, f"document {pk}", name, expected)
    for region, month, figures, expected in MonthlyReport.objects.order_by("month", "region").values_list(
        "region", "month", "figures", "sha256"
    ):
        report.months += 1
        if figures_hash(figures) != expected:
            report.problems.append(f"month {region} {month}: its figures no longer hash to the signed SHA-256")
    return report
