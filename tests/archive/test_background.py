"""The monthly archive built in the background (inline without a broker): asked for on the screen,
listed when ready, downloaded by those whose scope covers the county (a recorded read)."""

import io
import shutil
import zipfile

import pytest

from aidflow.archive.models import MonthArchive
from aidflow.audit.models import PendingRead
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


def test_build_in_the_background_and_download(policy, clerk, reviewer, approver, auditor, finance, capture):
    case = paid_case(clerk, finance, capture)
    client = client_for(auditor)
    with capture(execute=True):
        response = client.post("/workbench/archive/", {"county": "371403", "month": today().strftime("%Y-%m")})
    assert response.status_code == 302
    archive = MonthArchive.objects.get()
    assert (archive.status, archive.cases, archive.requested_by) == ("done", 1, auditor)
    page = client.get("/workbench/archive/").content.decode()
    link = f"/workbench/archive/{archive.pk}/download.zip"
    assert link in page and "已生成" in page
    response = client.get(link)
    assert response.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).namelist()
    assert sorted(names) == sorted([f"{case.number}-案卷.pdf", "索引.xlsx"])
    assert PendingRead.objects.filter(actor=auditor, action="archive_downloaded").exists()
    outsider = make_staff("outsider_auditor", "auditor", "371426", "外县审计")
    assert client_for(outsider).get(link).status_code == 404


def test_bad_input_is_refused_naming_the_field(policy, auditor, capture):
    with capture(execute=True):
        response = client_for(auditor).post("/workbench/archive/", {"county": "371403", "month": "2026/03"})
    assert response.status_code == 400 and 'id="error-month"' in response.content.decode()
    assert not MonthArchive.objects.exists()
