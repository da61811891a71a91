"""The monthly archive of a county: a ZIP of the month's dossiers with an index workbook read back
with openpyxl, by the screen and by `archive_month`; bad input names the field; other counties and
other months stay out."""

import datetime
import io
import shutil
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from aidflow.audit.models import AuditEvent
from aidflow.cases.models import Application
from tests.archive.conftest import paid_case
from tests.factories import make_staff, today
from tests.workflows.helpers import client_for

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler-utils (pdftoppm)"),
]


@pytest.fixture
def capture(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


def month_text(day: datetime.date) -> str:
    return day.strftime("%Y-%m")


def read_zip(data: bytes) -> tuple[dict[str, bytes], list, list]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.testzip() is None
    files = {name: archive.read(name) for name in archive.namelist()}
    book = load_workbook(io.BytesIO(files.pop("索引.xlsx")))
    by_person = [list(row) for row in book["按救助人员"].iter_rows(values_only=True)]
    by_chapter = [list(row) for row in book["按疾病类别"].iter_rows(values_only=True)]
    return files, by_person, by_chapter


def test_the_month_as_a_zip_on_screen(policy, clerk, reviewer, approver, auditor, finance, capture):
    first = paid_case(clerk, finance, capture, order="001")
    second = paid_case(clerk, finance, capture, order="002")
    # Decided in another month: not in this one's archive.
    earlier = paid_case(clerk, finance, capture, order="003")
    Application.objects.filter(pk=earlier.pk).update(decided_on=today() - datetime.timedelta(days=62), closed_at=None)
    picker = client_for(auditor).get("/workbench/archive/")
    assert picker.status_code == 200 and "371403" in picker.content.decode()
    response = client_for(auditor).get(
        "/workbench/archive/export.zip", {"county": "371403", "month": month_text(today())}
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    files, by_person, by_chapter = read_zip(b"".join(response.streaming_content))
    assert sorted(files) == sorted([f"{first.number}-案卷.pdf", f"{second.number}-案卷.pdf"])
    assert all(data.startswith(b"%PDF-") for data in files.values())
    header, rows = by_person[0], by_person[1:]
    assert header == [
        "姓名",
        "身份证号",
        "编号",
        "状态",
        "决定（办结）日期",
        "批准金额",
        "疾病类别（ICD-10 章）",
        "ZIP 内文件名",
    ]
    assert {row[2] for row in rows} == {first.number, second.number}
    for row in rows:
        case = Application.objects.get(number=row[2])
        assert row[0] == case.patient_full_name and row[1] == case.masked_id_number
        assert row[-1] in files and row[-1] == f"{case.number}-案卷.pdf"
    assert {row[3] for row in by_chapter[1:]} == {first.number, second.number}
    assert all(row[0] and "肿瘤" in row[0] for row in by_chapter[1:])
    event = AuditEvent.objects.get(action="archive_exported")
    assert event.actor == auditor and event.details["cases"] == 2 and event.region == "371403"


def test_bad_input_names_the_field(policy, auditor, clerk):
    client = client_for(auditor)
    response = client.get("/workbench/archive/export.zip", {"county": "371403", "month": "2026-13"})
    assert response.status_code == 400 and 'id="error-month"' in response.content.decode()
    response = client.get("/workbench/archive/export.zip", {"county": "999999", "month": "2026-03"})
    assert response.status_code == 400 and 'id="error-county"' in response.content.decode()
    outsider = make_staff("outsider_auditor", "auditor", "371426", "外县审计")
    response = client_for(outsider).get("/workbench/archive/export.zip", {"county": "371403", "month": "2026-03"})
    assert response.status_code == 400 and "不在您的管辖范围内" in response.content.decode()
    # A village clerk's scope covers no county: no picker, and no county to export.
    assert client_for(clerk).get("/workbench/archive/").status_code == 404
    assert not AuditEvent.objects.filter(action="archive_exported").exists()


def test_the_command(policy, clerk, reviewer, approver, finance, capture, tmp_path):
    case = paid_case(clerk, finance, capture)
    out = tmp_path / "archive.zip"
    call_command("archive_month", county="371403", month=month_text(today()), out=str(out))
    files, by_person, _ = read_zip(out.read_bytes())
    assert list(files) == [f"{case.number}-案卷.pdf"]
    assert by_person[1][2] == case.number
    assert AuditEvent.objects.get(action="archive_exported").actor_name == "archive_month"
    with pytest.raises(CommandError, match="--month"):
        call_command("archive_month", county="371403", month="03/2026", out=str(out))
    with pytest.raises(CommandError, match="--county"):
        call_command("archive_month", county="37", month="2026-03", out=str(out))
    empty = tmp_path / "empty.zip"
    call_command("archive_month", county="371426", month=month_text(today()), out=str(empty))
    files, by_person, _ = read_zip(empty.read_bytes())
    assert files == {} and len(by_person) == 1
