"""Public disclosure (公示): no login, masked names, never an ID number, a diagnosis or a phone."""

import csv
import io
import re
from decimal import Decimal

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from aidflow.cases.models import Application
from aidflow.reports.statistics import monthly_figures
from tests.factories import today
from tests.reports.test_monthly import MONTH, month_set  # noqa: F401 - fixture
from tests.settlements.conftest import ZHANG, register, window  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db
ID_NUMBER = re.compile(r"\d{17}[\dX]")


def test_the_page_and_the_csv_show_masked_rows_only(month_set):  # noqa: F811
    cache.clear()
    public = Client()
    page = public.get(f"/public/disclosure/371403/{MONTH}/")
    assert page.status_code == 200
    text = page.content.decode()
    phones = set(Application.objects.values_list("phone", flat=True))
    names = set(Application.objects.values_list("applicant_name", flat=True))
    diagnoses = {"肺恶性肿瘤", "慢性阻塞性肺病伴急性加重", "C34.9", "J44.1"}
    assert not ID_NUMBER.search(text) and ZHANG not in text
    assert not any(phone in text for phone in phones if phone)
    assert not any(diagnosis in text for diagnosis in diagnoses)
    assert not any(name in text for name in names if len(name) > 1)
    rows = list(
        csv.reader(
            io.StringIO(public.get(f"/public/disclosure/371403/{MONTH}/?format=csv").content.decode("utf-8-sig"))
        )
    )
    assert rows[0] == ["村（居）", "姓名", "救助对象类别", "救助类型", "救助金额", "决定日期", "备注"]
    body = rows[1:]
    # The month the county reports (INTERFACES section 11; seed 002 line ~1752, 公开公正): the three
    # approvals of this month and the settlement discharged in it, exactly as the statistics count
    # them; not the refusal, the withdrawal, the reversal, the approval of another month.
    assert sorted(row[4] for row in body) == ["1000.00", "1600.00", "5950.00", "800.00"]
    totals = monthly_figures(region="371403", year=today().year, month=today().month)["totals"]
    assert sum(Decimal(row[4]) for row in body) == Decimal(totals["aid"])
    for row in body:
        assert "*" in row[1] and not ID_NUMBER.search(",".join(row))
        assert not any(diagnosis in ",".join(row) for diagnosis in diagnoses)
        assert not any(phone in ",".join(row) for phone in phones if phone)
        assert row[5].startswith(today().strftime("%Y-%m"))


def test_a_refused_settlement_leaves_the_list_as_it_leaves_the_statistics(month_set, window, approver):  # noqa: F811
    """The public list and the statistics count the same cases (INTERFACES section 11): a settlement
    is listed in its discharge month and leaves both when the county refuses it."""
    from tests.workflows.helpers import client_for

    cache.clear()
    assert "张*兰" in Client().get(f"/public/disclosure/371403/{MONTH}/?format=csv").content.decode("utf-8-sig")
    claim = (
        client_for(window).post("/api/v1/settlement-claims/", {"month": MONTH}, content_type="application/json").json()
    )
    settlement = claim_settlement_ids(claim["id"])[0]
    client_for(approver).post(
        f"/api/v1/settlement-claims/{claim['id']}/review/",
        {"decision": "approve", "rejected_settlements": [settlement], "reasons": "不按规定用药"},
        content_type="application/json",
    )
    rows = Client().get(f"/public/disclosure/371403/{MONTH}/?format=csv").content.decode("utf-8-sig")
    assert "5950.00" not in rows and "张*兰" not in rows
    totals = monthly_figures(region="371403", year=today().year, month=today().month)["totals"]
    body = list(csv.reader(io.StringIO(rows)))[1:]
    assert sum(Decimal(row[4]) for row in body) == Decimal(totals["aid"]) == Decimal("3400.00")


def claim_settlement_ids(claim_id: int) -> list[int]:
    from aidflow.settlements.models import Settlement

    return list(Settlement.objects.filter(claim_id=claim_id).values_list("pk", flat=True))


def test_unknown_county_or_month_is_404_and_clients_are_rate_limited(regions):
    cache.clear()
    public = Client()
    assert public.get("/public/disclosure/999999/2026-01/").status_code == 404
    assert public.get("/public/disclosure/371403/2026-13/").status_code == 404
    # The clock stands still: a one-minute window must not roll over between the requests.
    with time_machine.travel(timezone.now(), tick=False):
        statuses = [public.get(f"/public/disclosure/371403/{MONTH}/").status_code for _ in range(32)]
    assert statuses[0] == 200 and statuses[-1] == 429
