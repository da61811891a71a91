"""The dossier of a case: one PDF read back with poppler - the form, the survey, the notice, the
payment, the documents' pages and the audit lines, the chain head on every page - served to those
who may see the case (a recorded read), refused to another county."""

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from aidflow.audit.models import AuditEvent, PendingRead
from aidflow.notices.models import Notice
from tests.archive.conftest import ACCOUNT, paid_case
from tests.workflows.helpers import client_for

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils (pdftotext, pdfinfo, pdftoppm)"),
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "archive"


@pytest.fixture
def capture(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


def read_pdf(data: bytes, tmp_path, name: str) -> tuple[list[str], int]:
    """Each page's text without white space, and the page count pdfinfo reports."""
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(data)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line for line in info.splitlines() if line.startswith("Pages:")).split()[1])
    texts = []
    for page in range(1, pages + 1):
        text = subprocess.run(
            ["pdftotext", "-f", str(page), "-l", str(page), str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
        texts.append("".join(text.split()))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "70", str(path), str(ARTIFACTS / name)], check=True)
    return texts, pages


def test_the_dossier_of_a_paid_case(policy, clerk, reviewer, approver, auditor, finance, capture, tmp_path):
    application = paid_case(clerk, finance, capture)
    response = client_for(auditor).get(f"/workbench/applications/{application.pk}/dossier.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    data = response.content
    texts, pages = read_pdf(data, tmp_path, "dossier")
    whole = "".join(texts)
    head = AuditEvent.objects.filter(application=application).order_by("-seq").first()
    # The chain head on every page, with the number and page x/y.
    for number, text in enumerate(texts, start=1):
        assert head.hash in text, number
        assert f"第{number}/{pages}页" in text and f"申请编号{application.number}" in text, number
    assert "医疗救助申请审批表" in whole
    assert "申请人（签字或按手印）" in whole
    assert "医疗救助入户调查表" in whole and "入户调查记录" in whole and "入户核实属实" in whole
    notice = Notice.objects.get(application=application, kind="approval")
    assert notice.number in whole and "医疗救助决定书" in whole
    assert notice.sha256 in whole
    # The payment: amount, bank result, the account masked.
    assert "资金发放" in whole and "1000.00元" in whole
    assert "银行结果" in whole and "已发放" in whole
    assert ACCOUNT[-4:] in whole and ACCOUNT not in whole
    # The audit history: each event's hash, the payment results among them.
    events = list(AuditEvent.objects.filter(application=application).order_by("seq"))
    assert all(event.hash in whole for event in events)
    assert "审计记录" in whole
    # Pages: the documents' three (two of the PDF, one photo) among them, each headed.
    assert whole.count("材料1/2：") == 2 and whole.count("材料2/2：") == 1
    assert "第2/2页" in whole
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == pages
    assert "/OutputIntents" in reader.trailer["/Root"] and "/Metadata" in reader.trailer["/Root"]
    # PDF/A-2b as weasyprint declares it, kept through the footers' stamping: the XMP claim, the
    # file identifier, a header no later than 1.7, every font embedded.
    metadata = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    assert b"<pdfaid:part>2</pdfaid:part>" in metadata or b'pdfaid:part="2"' in metadata
    assert "/ID" in reader.trailer and reader.pdf_header <= "%PDF-1.7"
    fonts = subprocess.run(["pdffonts", str(tmp_path / "dossier.pdf")], capture_output=True, text=True).stdout
    assert all(line.split()[-5] == "yes" for line in fonts.splitlines()[2:]), fonts
    # A recorded read.
    assert PendingRead.objects.filter(actor=auditor, action="dossier_printed", application=application).exists()


def test_the_api_serves_it_in_scope_only(policy, clerk, reviewer, approver, finance, capture, regions, tmp_path):
    from tests.factories import make_staff

    application = paid_case(clerk, finance, capture)
    outsider = make_staff("outsider_approver", "county_approver", "371426", "外县")
    other_auditor = make_staff("outsider_auditor", "auditor", "371426", "外县审计")
    for user in (outsider, other_auditor):
        for url in (
            f"/api/v1/applications/{application.pk}/dossier.pdf",
            f"/workbench/applications/{application.pk}/dossier.pdf",
        ):
            assert client_for(user).get(url).status_code == 404, (user, url)
    assert not PendingRead.objects.filter(action="dossier_printed").exists()
    response = client_for(approver).get(f"/api/v1/applications/{application.pk}/dossier.pdf")
    assert response.status_code == 200
    texts, pages = read_pdf(response.content, tmp_path, "dossier-api")
    assert pages == len(PdfReader(io.BytesIO(response.content)).pages) >= 8
    assert application.number in texts[0]
    assert PendingRead.objects.filter(actor=approver, action="dossier_printed", application=application).exists()
