"""Exports never carry a spreadsheet formula: a login attempted as `=HYPERLINK(...)` is quoted in the
auditors' CSV, and a payee named like a formula is a plain string in the bank file."""

import csv
import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from aidflow.core.cells import csv_safe
from tests.factories import make_staff
from tests.payments.conftest import approved, finance, payee  # noqa: F401 - fixture
from tests.workflows.helpers import client_for

# What follows the bank file, not who approves it: one signature (tests/payments/test_approval.py has two).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("one_signature")]
FORMULA = '=HYPERLINK("http://evil.example/","x")'


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_start_is_quoted(start):
    assert csv_safe(start + "1+1") == "'" + start + "1+1"
    assert csv_safe("张三") == "张三" and csv_safe(5) == 5


def test_a_formula_username_is_quoted_in_the_audit_csv(regions):
    Client().post("/accounts/login/", {"username": FORMULA, "password": "wrong-password-1"})
    # A failed sign-in of an unknown name has no region and no city: the province's auditors see it.
    province_auditor = make_staff("province_auditor", "auditor", "37", "省审计")
    export = client_for(province_auditor).get("/workbench/audit/export.csv")
    assert export.status_code == 200
    rows = list(
        csv.reader(
            io.StringIO(
                b"".join(export.streaming_content).decode("utf-8-sig")
                if hasattr(export, "streaming_content")
                else export.content.decode("utf-8-sig")
            )
        )
    )
    cells = [cell for row in rows for cell in row]
    assert "'" + FORMULA in cells and FORMULA not in cells


def test_a_formula_payee_is_a_string_in_the_bank_file(policy, clerk, reviewer, approver, finance):  # noqa: F811
    application = approved(clerk, order="411")
    client_for(finance).patch(
        f"/api/v1/applications/{application.pk}/payee/", {**payee(), "name": "=1+2"}, content_type="application/json"
    )
    batch = client_for(finance).post("/api/v1/payment-batches/", {"county": "371403"}, content_type="application/json")
    workbook = client_for(finance).get(f"/api/v1/payment-batches/{batch.json()['id']}/export.xlsx").content
    cell = load_workbook(io.BytesIO(workbook)).active.cell(row=3, column=2)
    assert cell.value == "=1+2" and cell.data_type == "s"
