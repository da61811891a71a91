"""The statistics page's sign-off and the public list as people read them (INTERFACES section 11): before
the month's report day the form gives way to the day it opens; a correction to a signed-off month
stands, marked, in the list of the month it was made in."""

import datetime

import pytest
from django.test import Client

from aidflow.reports.models import MonthlyReport
from aidflow.settlements.models import Settlement
from tests.factories import today
from tests.reports.test_monthly import MONTH, month_set  # noqa: F401 - fixture
from tests.reports.test_signoff import at, submit
from tests.settlements.conftest import register, window  # noqa: F401 - fixtures
from tests.workflows.helpers import client_for

pytestmark = pytest.mark.django_db
PAGE = "/workbench/reports/monthly/"


def test_before_the_report_day_the_form_gives_way_to_the_day_it_opens(regions, policy, approver, auditor):
    """Seed 000 line ~41: the month's report goes up by the 28th (MONTHLY_REPORT_DAY)."""
    first = today().replace(day=1)
    month = first.strftime("%Y-%m")
    query = {"region": "371403", "month": month}
    with at(first.replace(day=27)):
        page = client_for(approver).get(PAGE, query).content.decode()
        assert f"本月可于 {month}-28 起审核报送" in page and 'id="month-submit"' not in page
        # A sign-off sent all the same (a page left open, a second tab) is refused, and says why.
        refused = client_for(approver).post(PAGE, query)
        assert refused.status_code == 409 and 'id="signoff-errors"' in refused.content.decode()
        assert "data-confirm-dialog" not in refused.content.decode()
        assert not MonthlyReport.objects.exists()
        # An auditor is told nothing of signing off.
        assert "起审核报送" not in client_for(auditor).get(PAGE, query).content.decode()
    with at(first.replace(day=28)):
        page = client_for(approver).get(PAGE, query).content.decode()
        assert 'id="month-submit"' in page and "起审核报送" not in page


def test_the_public_list_marks_a_correction_in_the_month_it_was_made(month_set, window, approver):  # noqa: F811
    sign_off = max(today(), today().replace(day=28))
    following = (today().replace(day=28) + datetime.timedelta(days=5)).strftime("%Y-%m")
    with at(sign_off):
        assert submit(approver, MONTH).status_code == 201
        claim = client_for(window).post("/api/v1/settlement-claims/", {"month": MONTH}, content_type="application/json")
        settlement = Settlement.objects.get(claim_id=claim.json()["id"])
        review = {
            "decision": "approve",
            "rejected_settlements": [{"id": settlement.pk, "code": "non_compliant", "reason": "虚假住院"}],
        }
        path = f"/api/v1/settlement-claims/{claim.json()['id']}/review/"
        assert client_for(approver).post(path, review, content_type="application/json").status_code == 200
        frozen = Client().get(f"/public/disclosure/371403/{MONTH}/").content.decode()
        assert "本月名单已于" in frozen and 'class="correction"' not in frozen
        later = Client().get(f"/public/disclosure/371403/{following}/").content.decode()
    assert 'class="correction"' in later and f"更正{MONTH}已公示名单（核减）" in later and "-5950.00" in later
    assert "名单末尾另列对已报送月份的更正 1 条" in later
    assert "张*兰" in later and "张秀兰" not in later
