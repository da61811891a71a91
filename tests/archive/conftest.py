"""A decided and paid case with documents (a two-page PDF and a photo), like the demo's."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from aidflow.cases.models import Application
from tests.factories import FilingFactory, advance, make_staff, person, today
from tests.payments.conftest import ACCOUNT, payee
from tests.workflows.helpers import client_for


def two_page_pdf() -> bytes:
    from pypdf import PdfWriter

    writer, out = PdfWriter(), io.BytesIO()
    writer.add_blank_page(width=595, height=842)
    writer.add_blank_page(width=595, height=842)
    writer.write(out)
    return out.getvalue()


def photo() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (60, 80), (30, 90, 160)).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def finance(regions):
    return make_staff("finance", "county_finance", "371403", "郑红")


def paid_case(clerk, finance, capture, *, order: str = "001") -> Application:
    """Filed with a two-page PDF and a photo, approved, delivered (closed) and paid."""
    from aidflow.cases.services.documents import UploadedDocument
    from aidflow.cases.services.filing import application_file

    data = FilingFactory(person=person(order))
    data["payee"] = payee()
    documents = [
        UploadedDocument("diagnosis", SimpleUploadedFile("诊断证明.pdf", two_page_pdf())),
        UploadedDocument("settlement_bill", SimpleUploadedFile("结算单.png", photo())),
    ]
    application = application_file(user=clerk, data=data, documents=documents)
    application = advance(application, to="closed", capture=capture)
    batch = client_for(finance).post("/api/v1/payment-batches/", {"county": "371403"}, content_type="application/json")
    assert batch.status_code == 201, batch.content
    line = next(line for line in batch.json()["lines"] if line["ref"] == application.number)
    paid = client_for(finance).post(
        f"/api/v1/payment-batches/{batch.json()['id']}/results/",
        {"results": [{"line": line["id"], "status": "paid", "paid_on": today().isoformat()}]},
        content_type="application/json",
    )
    assert paid.status_code == 200, paid.content
    return Application.objects.get(pk=application.pk)


__all__ = ["ACCOUNT", "paid_case"]


@pytest.fixture(autouse=True)
def _paid_with_one_signature(one_signature):
    """The cases here are paid to fill the dossier's payment part; who approves the batch is not the point."""
