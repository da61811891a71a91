"""The filing form over HTTP: field errors, skipped empty rows, documents checked by content and served safely."""

import pytest

from aidflow.cases.models import Application, Document
from tests.workflows.helpers import PDF_BYTES, client_for, file_application, filing_post, stay_fields

pytestmark = pytest.mark.django_db


def test_filing_form_reports_bad_fields(policy, clerk):
    client = client_for(clerk)
    data = filing_post(id_number="110105194912310021", **{"documents-0-kind": "", "documents-1-kind": ""})
    data.update(stay_fields(0, eligible_cost="70000.00"))
    response = client.post("/workbench/applications/new/", data)
    assert response.status_code == 400
    text = response.content.decode()
    assert "校验码" in text and "合规费用大于总费用" in text
    assert Application.objects.count() == 0


def test_untouched_extra_rows_are_skipped(policy, clerk):
    from django.core.files.uploadedfile import SimpleUploadedFile

    # A browser sends every select's value; blank first choices keep empty rows empty.
    data = filing_post(
        two_stays=False, **{"stays-1-hospital_level": "", "stays-2-hospital_level": "", "documents-1-kind": ""}
    )
    data["documents-0-file"] = SimpleUploadedFile("诊断.pdf", PDF_BYTES)
    response = client_for(clerk).post("/workbench/applications/new/", data)
    assert response.status_code == 302
    application = Application.objects.get()
    assert application.stays.count() == 1 and application.documents.count() == 1


def test_documents_are_checked_by_content(policy, clerk):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = filing_post()
    data["documents-0-file"] = SimpleUploadedFile("诊断.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    data["documents-1-file"] = SimpleUploadedFile("结算单.pdf", PDF_BYTES)
    response = client_for(clerk).post("/workbench/applications/new/", data)
    assert response.status_code == 400
    assert Application.objects.count() == 0 and Document.objects.count() == 0


def test_document_download_is_scoped_attachment_nosniff(policy, clerk, auditor, outsider):
    application = file_application(clerk)
    document = application.documents.first()
    url = f"/workbench/applications/{application.pk}/documents/{document.pk}/"
    response = client_for(auditor).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert client_for(outsider).get(url).status_code == 404
    # Stored under a generated name, not the uploader's.
    assert "诊断" not in document.file.name
