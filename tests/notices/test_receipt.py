"""The filing receipt (受理回执, INTERFACES section 13): one A4 page with the number and the status
code, read back with poppler; served only to staff who may open the case, each print recorded."""

import shutil

import pytest

from aidflow.cases.models import Application
from tests.factories import ApplicationFactory
from tests.notices.test_paper_forms import client_for, prints, read_pdf

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils (pdftotext, pdfinfo, pdftoppm)"),
]


def test_the_receipt_carries_the_number_and_the_status_code(policy, clerk, tmp_path):
    application = Application.objects.get(pk=ApplicationFactory(user=clerk).pk)
    response = client_for(clerk).get(f"/workbench/applications/{application.pk}/receipt.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline;")
    text, pages = read_pdf(response.content, tmp_path, "receipt")
    assert len(pages) == 1
    code = application.status_code
    for expected in (
        "医疗救助申请受理回执",
        application.number,
        code[:4] + code[4:],  # printed in two groups of four; the text is read without spaces
        "王秀英",
        "查询码",
        "/status/",
        application.filing_date.strftime("%Y年%-m月%-d日"),
        "受理单位（盖章）",
    ):
        assert expected in text, expected
    assert application.id_number not in text  # the receipt needs no ID number
    assert prints("receipt_printed", application, clerk) == 1


def test_the_receipt_over_the_api_and_out_of_scope(policy, clerk, neighbour_clerk, tmp_path):
    application = ApplicationFactory(user=clerk)
    response = client_for(clerk).get(f"/api/v1/applications/{application.pk}/receipt.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    text, _pages = read_pdf(response.content, tmp_path, "receipt-api")
    assert application.status_code in text
    assert client_for(neighbour_clerk).get(f"/api/v1/applications/{application.pk}/receipt.pdf").status_code == 404
    assert client_for(neighbour_clerk).get(f"/workbench/applications/{application.pk}/receipt.pdf").status_code == 404
