"""Monthly statistics (INTERFACES section 10) on a small set checked by hand: two approvals (one at
a lowered amount), one with two stays sharing its aid, a refusal, a withdrawal, an approval in
another month, a settlement and a reversed settlement."""

import copy
import datetime
import io
import subprocess

import pytest
import time_machine
from openpyxl import load_workbook

from aidflow.audit.models import AuditEvent
from aidflow.cases.models import AidLedgerRow, Application, HospitalStay
from aidflow.cases.services.ledger import aid_shares
from aidflow.cases.services.withdrawal import application_withdraw
from aidflow.reports.models import MonthlyReport
from aidflow.reports.statistics import figures_check, monthly_figures
from tests.factories import ApplicationFactory, FilingFactory, StayFactory, advance, excluded, person, today
from tests.settlements.conftest import ZHANG, register, settle_body, window  # noqa: F401 - fixtures
from tests.workflows.helpers import client_for, post_confirmed

pytestmark = pytest.mark.django_db
MONTH = today().strftime("%Y-%m")


def file(clerk, order, **changes):
    return ApplicationFactory(user=clerk, data=FilingFactory(person=person(order), **changes))


@pytest.fixture
def month_set(policy, clerk, reviewer, approver, window):  # noqa: F811
    approved = advance(file(clerk, "301"), to="notice_delivery")  # 1000.00
    # 1000.00 found non-compliant on review: 800.00 (the award is the computed amount, seed 002 line ~1784).
    lowered = advance(file(clerk, "302"), to="notice_delivery", excluded_costs=excluded("1000.00"))
    second_stay = StayFactory(
        hospital="陵城区中医院",
        eligible_cost="8000.00",
        total_cost="10000.00",
        basic_insurance="5000.00",
        serious_illness_insurance="0.00",
    )
    two_stays = file(clerk, "303", stays=[StayFactory(), second_stay])
    two_stays = advance(two_stays, to="notice_delivery")  # 20% of (17000 + 3000 - 12000) = 1600.00
    advance(file(clerk, "304"), to="closed", reject_at="county_approval")
    withdrawn = file(clerk, "305")
    application_withdraw(user=clerk, application_id=withdrawn.pk, reason="申请人撤回")
    other_month = advance(file(clerk, "306"), to="notice_delivery")
    # Decided last month: its decision day and its ledger rows move there.
    last_month = today().replace(day=1) - datetime.timedelta(days=1)
    Application.objects.filter(pk=other_month.pk).update(decided_on=last_month)
    AidLedgerRow.objects.filter(application=other_month).update(day=last_month)
    api = client_for(window)
    admission = (today() - datetime.timedelta(days=5)).isoformat()
    settled = api.post(
        "/api/v1/settlements/",
        settle_body(admission_date=admission, discharge_date=today().isoformat()),
        content_type="application/json",
    ).json()
    assert settled["amount"] == "5950.00"
    reversed_ = api.post(
        "/api/v1/settlements/",
        settle_body(admission_date=today().isoformat(), discharge_date=today().isoformat(), eligible_cost="12000.00"),
        content_type="application/json",
    ).json()
    api.post(f"/api/v1/settlements/{reversed_['id']}/reverse/", {"reason": "录入错误"}, content_type="application/json")
    return {"approved": approved, "lowered": lowered, "two_stays": two_stays}


def test_the_figures_by_hand(month_set):
    figures = monthly_figures(region="371403", year=today().year, month=today().month)
    # Stays: 3 x (60000 / 52000 / 30000 / 5000), one (10000 / 8000 / 5000 / 0), the settlement
    # (20000 / 18000 / 9000 / 0, 500 other); aid 1000 + 800 + 1360 + 240 + 5950. The 800.00 approval's
    # stay counts with the compliant cost the county found: 52000 - 1000 excluded on review.
    assert figures["totals"] == {
        "persons": 4,
        "person_times": 5,
        "total_cost": "210000.00",
        "eligible_cost": "181000.00",
        "basic_insurance": "104000.00",
        "serious_illness_insurance": "15000.00",
        "other_payments": "500.00",
        "hospital_reduction": "0.00",
        "emergency_fund": "0.00",
        "aid": "9350.00",
    }
    assert figures["by_route"]["application"]["aid"] == "3400.00"
    assert figures["by_route"]["settlement"] == {**figures["by_route"]["settlement"], "persons": 1, "aid": "5950.00"}
    assert (
        figures["by_category"]["dibao"]["aid"] == "5950.00" and figures["by_category"]["low_income"]["aid"] == "3400.00"
    )
    # Every stay is at a level-2 hospital of the county (陵城区人民医院, 陵城区中医院).
    assert figures["by_hospital_level"]["2"]["aid"] == "9350.00"
    assert figures["by_hospital_level"]["2"]["person_times"] == 5
    assert (
        figures["by_disease_chapter"]["C"]["aid"] == "3400.00"
        and figures["by_disease_chapter"]["J"]["aid"] == "5950.00"
    )
    assert (
        figures["by_township"]["371403105"]["name"] == "神头镇" and figures["by_township"]["371403105"]["persons"] == 4
    )
    assert all(check["ok"] for check in figures["checks"]), figures["checks"]
    shares = sorted(HospitalStay.objects.filter(application=month_set["two_stays"]).values_list("aid_share", flat=True))
    assert [str(share) for share in shares] == ["240.00", "1360.00"]


def test_aid_shares_round_and_put_the_remainder_on_the_largest():
    from decimal import Decimal

    assert aid_shares(Decimal("100.00"), [Decimal("1"), Decimal("1"), Decimal("1")]) == [
        Decimal("33.34"),
        Decimal("33.33"),
        Decimal("33.33"),
    ]
    assert sum(aid_shares(Decimal("1600.00"), [Decimal("17000"), Decimal("3000")])) == Decimal("1600.00")
    assert aid_shares(Decimal("10.00"), [Decimal("0"), Decimal("0")]) == [Decimal("0.00"), Decimal("0.00")]


def _sample() -> dict:
    block = {
        "persons": 1,
        "person_times": 2,
        "total_cost": "100.00",
        "eligible_cost": "80.00",
        "basic_insurance": "40.00",
        "serious_illness_insurance": "0.00",
        "other_payments": "0.00",
        "aid": "28.00",
    }
    return {"totals": dict(block), "by_category": {"dibao": dict(block)}, "by_route": {"application": dict(block)}}


@pytest.mark.parametrize(
    ("code", "tamper"),
    [
        ("AID_WITHIN_ELIGIBLE", lambda f: f["totals"].update(aid="90.00")),
        ("ELIGIBLE_WITHIN_TOTAL", lambda f: f["totals"].update(eligible_cost="120.00")),
        ("PAYMENTS_WITHIN_TOTAL", lambda f: f["totals"].update(basic_insurance="99.00")),
        ("PERSONS_WITHIN_PERSON_TIMES", lambda f: f["by_category"]["dibao"].update(persons=3)),
        ("SUM_BY_CATEGORY", lambda f: f["by_category"]["dibao"].update(person_times=1)),
        ("SUM_BY_ROUTE", lambda f: f["by_route"]["application"].update(aid="27.99")),
    ],
)
def test_every_logic_check_can_fail(code, tamper):
    assert all(check["ok"] for check in figures_check(_sample()))
    figures = copy.deepcopy(_sample())
    tamper(figures)
    failed = [check["code"] for check in figures_check(figures) if not check["ok"]]
    assert code in failed


def test_the_api_the_workbook_and_who_may_read(month_set, approver, auditor, city_auditor, outsider, clerk):
    api = client_for(approver)
    body = api.get("/api/v1/statistics/monthly/", {"region": "371403", "month": MONTH}).json()
    assert body["totals"]["aid"] == "9350.00" and body["submitted"] is None
    assert (
        client_for(auditor).get("/api/v1/statistics/monthly/", {"region": "371403", "month": MONTH}).status_code == 200
    )
    city = client_for(city_auditor).get("/api/v1/statistics/monthly/", {"region": "3714", "month": MONTH}).json()
    assert city["by_county"]["371403"]["aid"] == "9350.00"
    assert (
        client_for(outsider).get("/api/v1/statistics/monthly/", {"region": "371403", "month": MONTH}).status_code == 404
    )
    assert client_for(clerk).get("/api/v1/statistics/monthly/", {"region": "371403", "month": MONTH}).status_code == 403
    bad = api.get("/api/v1/statistics/monthly/", {"region": "371403105", "month": "2026-13"})
    assert bad.status_code == 400 and {"region", "month"} <= set(bad.json()["errors"])
    workbook = load_workbook(
        io.BytesIO(api.get("/api/v1/statistics/monthly.xlsx", {"region": "371403", "month": MONTH}).content)
    )
    assert workbook.sheetnames[0] == "汇总" and "按救助途径" in workbook.sheetnames
    rows = list(workbook["按救助途径"].iter_rows(values_only=True))
    assert rows[0][:4] == ("代码", "名称", "人数", "人次")
    by_code = {row[0]: row for row in rows[1:-1]}
    aid = rows[0].index("救助金额")
    assert rows[0][aid - 2 : aid] == ("医院减免", "疾病应急救助")
    for route, block in body["by_route"].items():
        assert by_code[route][2:4] == (block["persons"], block["person_times"])
        assert f"{by_code[route][aid]:.2f}" == block["aid"]
    assert rows[-1][1].startswith("合计") and f"{rows[-1][aid]:.2f}" == body["totals"]["aid"]


def test_submit_freezes_the_month(month_set, approver, auditor, clerk, reviewer):
    next_month = (today().replace(day=28) + datetime.timedelta(days=5)).replace(day=2)
    with time_machine.travel(datetime.datetime.combine(next_month, datetime.time(10, 0)), tick=True):
        api = client_for(approver)  # signed in on that day: sessions expire
        assert (
            api.post(
                "/api/v1/statistics/monthly/submit/",
                {"region": "371403", "month": (next_month + datetime.timedelta(days=40)).strftime("%Y-%m")},
                content_type="application/json",
            ).status_code
            == 400
        )  # has not begun
        assert (
            client_for(auditor)
            .post(
                "/api/v1/statistics/monthly/submit/",
                {"region": "371403", "month": MONTH},
                content_type="application/json",
            )
            .status_code
            == 403
        )
        response = api.post(
            "/api/v1/statistics/monthly/submit/", {"region": "371403", "month": MONTH}, content_type="application/json"
        )
        assert response.status_code == 201 and response.json()["submitted"]["signed_by"] == "陈明"
        again = api.post(
            "/api/v1/statistics/monthly/submit/", {"region": "371403", "month": MONTH}, content_type="application/json"
        )
        assert again.status_code == 409
        # A late correction: the approved case's aid is lowered in the ledger after submission.
        AidLedgerRow.objects.filter(application=month_set["approved"]).update(aid=50000)
        frozen = api.get(
            "/api/v1/statistics/monthly/", {"region": "371403", "month": MONTH, "submitted": "true"}
        ).json()
        live = api.get("/api/v1/statistics/monthly/", {"region": "371403", "month": MONTH}).json()
        assert frozen["totals"]["aid"] == "9350.00" and live["totals"]["aid"] == "8850.00"
        page = api.get("/workbench/reports/monthly/", {"region": "371403", "month": MONTH}).content.decode()
        assert "af-late-correction" in page
    assert AuditEvent.objects.filter(action="month_submitted", region="371403").count() == 1


def test_the_statistics_screen_submits_only_for_the_approver(month_set, auditor, approver):
    next_month = (today().replace(day=28) + datetime.timedelta(days=5)).replace(day=2)
    with time_machine.travel(datetime.datetime.combine(next_month, datetime.time(10, 0)), tick=True):
        reader = client_for(auditor)
        page = reader.get("/workbench/reports/monthly/", {"region": "371403", "month": MONTH}).content.decode()
        assert "9350.00" in page and 'id="month-submit"' not in page
        assert reader.post("/workbench/reports/monthly/", {"region": "371403", "month": MONTH}).status_code == 403
        signer = client_for(approver)
        assert 'id="month-submit"' in signer.get("/workbench/reports/monthly/", {"month": MONTH}).content.decode()
        asked = signer.post("/workbench/reports/monthly/", {"region": "371403", "month": MONTH})
        assert asked.status_code == 200 and "9350.00" in asked.content.decode()
        assert not MonthlyReport.objects.exists()  # asked first, with the totals: nothing signed yet
        post_confirmed(signer, "/workbench/reports/monthly/", {"region": "371403", "month": MONTH})
        page = signer.get("/workbench/reports/monthly/", {"region": "371403", "month": MONTH}).content.decode()
        assert 'id="month-submit"' not in page and "af-late-correction" not in page
        pdf = signer.get("/workbench/reports/monthly/export/", {"region": "371403", "month": MONTH, "format": "pdf"})
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf.content, capture_output=True, check=True).stdout
    text = text.decode()
    assert "医疗救助统计月报" in text and "陈明" in text and "9350.00" in text and "SHA-256" in text


def _series_by_hand(region: str, keys: list[str]) -> dict:
    """The chart series summed straight from the ledger rows, stay by stay."""
    length = 9 if len(region) == 6 else 6
    by_region: dict[str, list] = {}
    by_category: dict[str, list] = {}
    for row in AidLedgerRow.objects.filter(region__startswith=region):
        month = row.day.strftime("%Y-%m")
        if month not in keys:
            continue
        for table, key in ((by_region, row.region[:length]), (by_category, row.category)):
            table.setdefault(key, [0] * len(keys))[keys.index(month)] += row.aid
    as_text = lambda table: {key: [f"{cents / 100:.2f}" for cents in values] for key, values in table.items()}  # noqa: E731
    return {"by_region": as_text(by_region), "by_category": as_text(by_category)}


def test_the_charts_monthly_sums_follow_every_change_to_the_ledger(month_set):
    from aidflow.cases.models import AidLedgerMonth
    from aidflow.reports.statistics import monthly_series

    def check():
        for region in ("371403", "3714"):
            series = monthly_series(region=region, year=today().year, month=today().month)
            expected = _series_by_hand(region, series["months"])
            assert {key: series[key] for key in ("by_region", "by_category")} == expected, region
        return series

    # The fixture approved, moved rows to last month (an UPDATE of the day), settled and reversed.
    series = check()
    assert series["by_region"]["371403"][-1] == "9350.00" and series["by_region"]["371403"][-2] != "0.00"
    # A correction made straight in the database is counted too (the triggers see every write).
    AidLedgerRow.objects.filter(application=month_set["approved"]).update(aid=50000, category="tekun")
    check()
    AidLedgerRow.objects.filter(application=month_set["lowered"]).delete()
    check()
    assert AidLedgerMonth.objects.filter(rows__lt=0).count() == 0


@pytest.mark.django_db(transaction=True)  # figures are cached only outside a transaction
def test_a_months_figures_are_added_up_once_until_the_ledger_changes(month_set):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first = monthly_figures(region="371403", year=today().year, month=today().month)
    with CaptureQueriesContext(connection) as queries:
        again = monthly_figures(region="371403", year=today().year, month=today().month)
    assert again == first and len(queries) == 1  # the ledger's signature only
    # Any write to the month's rows - here one straight in the database - is seen at once.
    AidLedgerRow.objects.filter(application=month_set["approved"]).update(total_cost=7_000_000)
    changed = monthly_figures(region="371403", year=today().year, month=today().month)
    assert changed["totals"]["total_cost"] != first["totals"]["total_cost"]
    # Another month's figures are their own.
    other = monthly_figures(
        region="371403",
        year=(today().replace(day=1) - datetime.timedelta(days=1)).year,
        month=(today().replace(day=1) - datetime.timedelta(days=1)).month,
    )
    assert other["totals"]["person_times"] == 1
    # Inside a transaction (its writes may yet roll back) nothing is cached.
    from django.core.cache import cache
    from django.db import transaction

    cache.clear()
    with transaction.atomic():
        monthly_figures(region="371403", year=today().year, month=today().month)
    with CaptureQueriesContext(connection) as queries:
        monthly_figures(region="371403", year=today().year, month=today().month)
    assert len(queries) > 1


def test_the_ledger_month_triggers_are_in_place():
    """A table rebuild (SQLite does one for many schema changes) drops a table's triggers without a
    word: the monthly sums would then drift from the ledger. This fails first."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgrelid = 'cases_aidledgerrow'::regclass")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'cases_aidledgerrow'")
        names = {row[0] for row in cursor.fetchall()}
    expected = (
        {"cases_aidledgermonth_apply"}
        if connection.vendor == "postgresql"
        else {f"cases_aidledgermonth_{name}" for name in ("insert", "delete", "update")}
    )
    assert expected <= names
