"""Decided and delivered cases to appeal against, and the API calls of the appeals."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from aidflow.cases.models import Application
from tests.factories import ApplicationFactory, advance
from tests.workflows.helpers import PDF_BYTES

needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils (pdftotext)")


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def delivered_case(clerk, reviewer, approver, *, refused: bool = True, to: str = "closed", **data) -> Application:
    """A case the county refused (or approved), its decision notice delivered by the township today."""
    application = ApplicationFactory(user=clerk, **data)
    return advance(
        application,
        to=to,
        clerk=clerk,
        reviewer=reviewer,
        approver=approver,
        reject_at="county_approval" if refused else None,
        reasons="经复核不符合救助条件",
    )


def appeal_post(user, application, **fields):
    payload = {"kind": "reconsideration", "body": "德州市陵城区人民政府", "case_number": "陵政复〔2026〕1号", **fields}
    return api(user).post(f"/api/v1/applications/{application.pk}/appeals/", payload, format="json")


def decision_pdf(name: str = "复议决定书.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def outcome_post(user, application, appeal_id, **fields):
    payload = {"document": decision_pdf(), **fields}
    return api(user).post(
        f"/api/v1/applications/{application.pk}/appeals/{appeal_id}/outcome/", payload, format="multipart"
    )


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "notice.pdf"
    path.write_bytes(data)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return re.sub(r"\s+", "", text)
