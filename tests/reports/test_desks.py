"""The desks on the home page and in the inbox: the county approver's hospital claims to review and
months to sign off; county finance's approved items not paid yet, failed payments and open batches;
the village clerk's failed payments. Each its own section with a count and links, in scope only,
counted with a LIMIT."""

import csv
import datetime
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aidflow.payments.models import PaymentBatch
from aidflow.reports import desks
from aidflow.settlements.models import SettlementClaim
from tests.factories import excluded, today
from tests.payments.conftest import approved, approved_claim, finance, other_finance  # noqa: F401 - fixtures
from tests.settlements.conftest import WANG, refer, register, settle_body, window  # noqa: F401 - fixtures
from tests.workflows.helpers import client_for, post_confirmed

pytestmark = pytest.mark.django_db

PAGES = ("/workbench/", "/workbench/inbox/")


def section(page: str, key: str) -> str | None:
    """The HTML of one desk section, or None when the page does not show it."""
    match = re.search(rf'<section [^>]*id="desk-{key}".*?</section>', page, re.S)
    return match.group(0) if match else None


def count_of(html: str) -> str:
    return re.search(r'class="af-desk__count[^"]*">([^<]*)<', html).group(1).strip()


def pages_of(user) -> list[str]:
    web = client_for(user)
    return [web.get(path).content.decode() for path in PAGES]


def settle_today(user, **changes) -> dict:
    """A settlement discharged today, so its aid counts in the current month's ledger."""
    day = today()
    body = settle_body(
        admission_date=(day - datetime.timedelta(days=5)).isoformat(), discharge_date=day.isoformat(), **changes
    )
    response = client_for(user).post("/api/v1/settlements/", body, content_type="application/json")
    assert response.status_code == 201, response.content
    return response.json()


@pytest.fixture
def two_claims(window, far_clerk):  # noqa: F811
    """陵城区人民医院 claims this month's settlements: one claim on 陵城区, one on 平原县 (王五's county,
    treated in 陵城区 on a referral his village recorded)."""
    settle_today(window)
    refer(far_clerk, WANG, "王五", "H-LC", (today() - datetime.timedelta(days=5)).isoformat())
    settle_today(window, id_number=WANG, name="王五")
    month = today().strftime("%Y-%m")
    api = client_for(window)
    for county in ("371403", "371426"):
        response = api.post("/api/v1/settlement-claims/", {"month": month, "county": county}, "application/json")
        assert response.status_code == 201, response.content
    return SettlementClaim.objects.get(county="371403"), SettlementClaim.objects.get(county="371426")


def test_the_approver_sees_the_claims_of_its_county_waiting_for_review(two_claims, approver, outsider):
    lingcheng, pingyuan = two_claims
    for page in pages_of(approver):
        claims = section(page, "claims-to-review")
        assert claims is not None and count_of(claims) == "1 项"
        assert f'href="/workbench/claims/{lingcheng.pk}/"' in claims and lingcheng.number in claims
        assert "陵城区人民医院" in claims and "5950.00" in claims  # its one settlement
        assert pingyuan.number not in page  # another county's claim is not shown
        assert 'href="/workbench/claims/"' in claims
    # Above the inbox's list of applications, a link down to each section with something waiting.
    assert 'href="#desk-claims-to-review"' in pages_of(approver)[1]
    # 平原县's approver sees 平原县's claim and not 陵城区's.
    for page in pages_of(outsider):
        claims = section(page, "claims-to-review")
        assert count_of(claims) == "1 项" and pingyuan.number in claims and lingcheng.number not in page
    # Reviewed, it leaves the desk.
    review = f"/api/v1/settlement-claims/{lingcheng.pk}/review/"
    client_for(approver).post(review, {"decision": "approve"}, content_type="application/json")
    claims = section(pages_of(approver)[0], "claims-to-review")
    assert count_of(claims) == "0 项" and "暂无待办" in claims
    assert 'href="#desk-claims-to-review"' not in pages_of(approver)[1]


def test_a_month_is_ready_to_sign_off_from_its_report_day(two_claims, approver, outsider, settings):
    month = today().strftime("%Y-%m")
    link = f"/workbench/reports/monthly/?region=371403&amp;month={month}"
    settings.MONTHLY_REPORT_DAY = today().day + 1  # tomorrow at the earliest: not yet
    if (today() + datetime.timedelta(days=1)).month == today().month:  # (on a month's last day it is today)
        for page in pages_of(approver):
            assert link not in section(page, "months-to-sign-off")
    settings.MONTHLY_REPORT_DAY = today().day  # from today on
    for page in pages_of(approver):
        months = section(page, "months-to-sign-off")
        assert link in months and "陵城区" in months
    # 平原县's approver is told of 平原县's month (王五's settlement), never of 陵城区's.
    outsider_months = section(pages_of(outsider)[0], "months-to-sign-off")
    assert f"region=371426&amp;month={month}" in outsider_months and "region=371403" not in outsider_months
    # Signed off, the month leaves the desk.
    post_confirmed(client_for(approver), "/workbench/reports/monthly/", {"region": "371403", "month": month})
    assert link not in section(pages_of(approver)[0], "months-to-sign-off")


def test_a_month_without_aid_is_not_asked_for(approver, settings, regions):
    settings.MONTHLY_REPORT_DAY = 1
    months = section(pages_of(approver)[0], "months-to-sign-off")
    assert count_of(months) == "0 项"


@pytest.fixture
def finance_desk(policy, clerk, reviewer, approver, finance, approved_claim, one_signature):  # noqa: F811
    """Two approved applications of 陵城区 with a payee and the hospital's approved claim, not paid
    (one signature: the desks after the bank file, not the approval)."""
    return [approved(clerk, order="511"), approved(clerk, order="512", excluded_costs=excluded("2000.00"))]


def results_file(rows) -> SimpleUploadedFile:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([["序号", "状态", "日期", "原因"], *rows])
    return SimpleUploadedFile("results.csv", buffer.getvalue().encode("utf-8"), content_type="text/csv")


def test_finance_sees_what_to_pay_what_failed_and_what_waits_for_the_bank(finance_desk, finance, other_finance):  # noqa: F811
    first, second = finance_desk
    for page in pages_of(finance):
        unpaid = section(page, "not-paid")
        assert count_of(unpaid) == "3 项" and "2 件申请和 1 份医院结算申请" in unpaid
        assert 'href="/workbench/payments/"' in unpaid
        assert count_of(section(page, "payments-failed")) == "0 项"
        assert count_of(section(page, "batches-open")) == "0 项"
    # Another county's finance officer has nothing of 陵城区 on its desk.
    for page in pages_of(other_finance):
        assert count_of(section(page, "not-paid")) == "0 项" and first.number not in page
    # A batch; the bank returns the first application's line and has not answered for the others yet.
    web = client_for(finance)
    post_confirmed(web, "/workbench/payments/", {})
    batch = PaymentBatch.objects.get()
    seq = batch.lines.get(application=first).seq
    post_confirmed(
        web, f"/workbench/payments/batches/{batch.pk}/", {"file": results_file([[seq, "失败", "", "户名不符"]])}
    )
    for page in pages_of(finance):
        assert count_of(section(page, "not-paid")) == "0 项"
        failed = section(page, "payments-failed")
        assert count_of(failed) == "1 项" and first.number in failed and second.number not in failed
        assert f'href="/workbench/applications/{first.pk}/#payment-failed"' in failed
        batches = section(page, "batches-open")
        assert count_of(batches) == "1 项" and f'href="/workbench/payments/batches/{batch.pk}/"' in batches
    for page in pages_of(other_finance):
        assert first.number not in page and batch.number not in page
        assert count_of(section(page, "payments-failed")) == "0 项"
        assert count_of(section(page, "batches-open")) == "0 项"


def test_the_clerk_sees_failed_payments_of_its_village_only(finance_desk, finance, clerk, neighbour_clerk):  # noqa: F811
    first, _second = finance_desk
    assert all(section(page, "payments-failed") is None for page in pages_of(clerk))  # no alarm for nothing
    web = client_for(finance)
    post_confirmed(web, "/workbench/payments/", {})
    batch = PaymentBatch.objects.get()
    seq = batch.lines.get(application=first).seq
    post_confirmed(
        web, f"/workbench/payments/batches/{batch.pk}/", {"file": results_file([[seq, "失败", "", "户名不符"]])}
    )
    for page in pages_of(clerk):
        failed = section(page, "payments-failed")
        assert count_of(failed) == "1 项" and f'href="/workbench/applications/{first.pk}/#payment-failed"' in failed
        assert 'href="/workbench/applications/?payment=failed"' in failed
    assert all(section(page, "payments-failed") is None for page in pages_of(neighbour_clerk))


def test_counts_stop_at_the_cap_and_every_count_has_a_limit(finance_desk, finance, monkeypatch):  # noqa: F811
    monkeypatch.setattr(desks, "COUNT_CAP", 1)
    with CaptureQueriesContext(connection) as queries:
        sections = {item.key: item for item in desks.desk_sections(finance)}
    counts = [query["sql"] for query in queries if "COUNT(" in query["sql"].upper()]
    # Five sections' counts and the applications unpaid past the payment limit (INTERFACES section 15).
    assert len(counts) == 6 and all("LIMIT" in sql.upper() for sql in counts)
    assert len(queries) <= 18, [query["sql"] for query in queries]
    assert (sections["not-paid"].count, sections["not-paid"].more) == (2, True)  # 1+ applications, 1 claim
    assert "2+ 项" in section(client_for(finance).get("/workbench/").content.decode(), "not-paid")
