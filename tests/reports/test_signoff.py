"""Signing a month off and the public list (INTERFACES section 11): not before MONTHLY_REPORT_DAY; the
list frozen with the month; a later change listed, marked, in the month it happens in."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
import time_machine
from django.test import Client

from aidflow.reports.models import DisclosureCorrection, MonthlyReport
from aidflow.settlements.models import Settlement
from tests.factories import today
from tests.payments.conftest import finance  # noqa: F401 - fixture
from tests.reports.test_monthly import MONTH, month_set  # noqa: F401 - fixture
from tests.settlements.conftest import register, window  # noqa: F401 - fixtures
from tests.workflows.helpers import client_for

pytestmark = pytest.mark.django_db


def at(day: datetime.date):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(10, 0)), tick=True)


def submit(user, month: str):
    return client_for(user).post(
        "/api/v1/statistics/monthly/submit/", {"region": "371403", "month": month}, content_type="application/json"
    )


def csv_rows(county: str, month: str) -> list[list[str]]:
    text = Client().get(f"/public/disclosure/{county}/{month}/?format=csv").content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))[1:]


def test_a_month_is_signed_off_from_its_report_day(regions, policy, approver, settings):
    """Seed 000 line ~41: the month's report goes up by the 28th (MONTHLY_REPORT_DAY); earlier its
    cases are still coming in, so signing it off is 409."""
    first = today().replace(day=1)
    with at(first.replace(day=27)):
        early = submit(approver, first.strftime("%Y-%m"))
        assert early.status_code == 409 and "month" in early.json()["errors"]
        assert not MonthlyReport.objects.exists()
    with at(first.replace(day=28)):
        assert submit(approver, first.strftime("%Y-%m")).status_code == 201
    settings.MONTHLY_REPORT_DAY = 5
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    with at(following.replace(day=5)):
        assert submit(approver, following.strftime("%Y-%m")).status_code == 201


def test_the_list_is_frozen_and_later_changes_are_listed_in_the_next_month(month_set, window, approver):  # noqa: F811
    sign_off = max(today(), today().replace(day=28))
    following = (today().replace(day=28) + datetime.timedelta(days=5)).strftime("%Y-%m")
    with at(sign_off):
        assert submit(approver, MONTH).status_code == 201
        frozen = csv_rows("371403", MONTH)
        assert sorted(row[4] for row in frozen) == ["1000.00", "1600.00", "5950.00", "800.00"]
        # After the sign-off the county refuses the hospital's settlement of that month.
        claim = (
            client_for(window)
            .post("/api/v1/settlement-claims/", {"month": MONTH}, content_type="application/json")
            .json()
        )
        settlement = Settlement.objects.get(claim_id=claim["id"])
        review = client_for(approver).post(
            f"/api/v1/settlement-claims/{claim['id']}/review/",
            {"decision": "approve", "rejected_settlements": [settlement.pk], "reasons": "虚假住院"},
            content_type="application/json",
        )
        assert review.status_code == 200
        # The signed-off month's list does not change...
        assert csv_rows("371403", MONTH) == frozen
    correction = DisclosureCorrection.objects.get()
    assert (correction.month, correction.listed_in, correction.amount) == (MONTH, following, Decimal("-5950.00"))
    # ...the correction is listed, marked, in the next month's list.
    later = csv_rows("371403", following)
    assert [(row[4], row[6]) for row in later] == [("-5950.00", f"更正{MONTH}已公示名单（核减）")]
    assert "张*兰" in later[0][1]


def test_the_frozen_months_workbook_is_served_with_its_signer(month_set, approver, settings):  # noqa: F811
    """`monthly.xlsx?submitted=true` answered 500 for every signed-off month."""
    import openpyxl

    settings.MONTHLY_REPORT_DAY = 1
    assert submit(approver, MONTH).status_code == 201
    response = client_for(approver).get(
        "/api/v1/statistics/monthly.xlsx", {"region": "371403", "month": MONTH, "submitted": "true"}
    )
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    text = " ".join(
        str(cell) for sheet in workbook for row in sheet.iter_rows(values_only=True) for cell in row if cell
    )
    assert "陈明" in text and MonthlyReport.objects.get().sha256 in text


@pytest.mark.parametrize("month", ["9999-12", "0001-01", "2026-00", "2026-1x", "20261-1"])
def test_a_month_out_of_range_is_refused_never_a_500(regions, approver, finance, month):  # noqa: F811
    """The public disclosure page for 9999-12 and the statistics page for 0001-01 answered 500."""
    assert Client().get(f"/public/disclosure/371403/{month}/").status_code == 404
    api = client_for(approver).get("/api/v1/statistics/monthly/", {"region": "371403", "month": month})
    assert api.status_code == 400 and "month" in api.json()["errors"]
    assert (
        client_for(approver).get("/workbench/reports/monthly/", {"region": "371403", "month": month}).status_code < 500
    )
    assert client_for(finance).get("/workbench/payments/report/", {"month": month}).status_code == 200
