"""The year ahead (INTERFACES section 14; seed 002 line ~1828): next year's fund needs of a county
from a base year's rolls and aid, the formula checked by hand on a small set."""

import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from aidflow.cases.models import AidLedgerRow
from aidflow.reports.estimate import annual_estimate
from aidflow.rolls.models import RollPeriod
from tests.factories import BEIJIE, LINGCHENG, PINGYUAN, make_staff, today
from tests.reports.test_monthly import month_set  # noqa: F401 - fixture
from tests.settlements.conftest import register, window  # noqa: F401 - fixtures
from tests.workflows.helpers import client_for

pytestmark = pytest.mark.django_db
YEAR = today().year - 1
BEFORE = YEAR - 1


def on_roll(person, category, start, end=None, region=LINGCHENG):
    RollPeriod.objects.create(
        id_number=person, name="某某", category=category, region=region, valid_from=start, valid_to=end
    )


def aided(person, category, year, aid, aid_type="hospitalization", region=LINGCHENG):
    AidLedgerRow.objects.create(
        day=datetime.date(year, 5, 10),
        region=region,
        person=person,
        category=category,
        aid_type=aid_type,
        route="application",
        level=2,
        chapter="J",
        total_cost=aid * 5,
        eligible_cost=aid * 4,
        basic_insurance=aid,
        serious_illness_insurance=0,
        other_payments=0,
        aid=aid,
    )


@pytest.fixture
def small_set(regions):
    start = datetime.date(BEFORE, 1, 1)
    for person in "ABCD":
        on_roll(person, "dibao", start)
    on_roll("E", "dibao", datetime.date(YEAR, 6, 1), datetime.date(YEAR, 8, 31))  # left before the year's end
    on_roll("F", "tekun", datetime.date(YEAR, 3, 1))
    on_roll("G", "dibao", start, region=PINGYUAN)  # another county
    # The base year (money in cents): dibao A 1000 + 500, B 1500, E 600; tekun F 2000; low-income H 3000.
    aided("A", "dibao", YEAR, 100000)
    aided("A", "dibao", YEAR, 50000, aid_type="major_disease")
    aided("B", "dibao", YEAR, 150000)
    aided("E", "dibao", YEAR, 60000)
    aided("F", "tekun", YEAR, 200000)
    aided("H", "low_income", YEAR, 300000)
    aided("G", "dibao", YEAR, 999900, region=PINGYUAN)
    # The year before: dibao A 1000, C 1000; low-income H 2000, I 500.
    aided("A", "dibao", BEFORE, 100000)
    aided("C", "dibao", BEFORE, 100000)
    aided("H", "low_income", BEFORE, 200000)
    aided("I", "low_income", BEFORE, 50000)


def test_the_formula_by_hand(small_set):
    estimate = annual_estimate(region=LINGCHENG, year=YEAR)
    assert estimate["estimate_year"] == YEAR + 1 and estimate["reference_date"] == f"{YEAR}-12-31"
    lines = {line["category"]: line for line in estimate["categories"]}
    assert set(lines) == {"dibao", "tekun", "low_income"}
    dibao = lines["dibao"]
    # 5 on the roll in the year (E left in August), 4 on 31 December, 4 the year before; 3 aided of 5.
    assert (dibao["on_roll"], dibao["on_roll_reference"], dibao["on_roll_previous"]) == (5, 4, 4)
    assert (dibao["aided"], dibao["prevalence"], dibao["prevalence_previous"]) == (3, "0.6000", "0.5000")
    assert (dibao["aid"], dibao["average_aid"], dibao["average_aid_previous"]) == ("3600.00", "1200.00", "1000.00")
    # 1200 / 1000 - 1 = 0.2; 4 x 0.6 x 1200 x 1.2 = 3456.00
    assert (dibao["basis"], dibao["growth"], dibao["estimate"]) == ("roll", "0.2000", "3456.00")
    tekun = lines["tekun"]
    # Nobody aided the year before: the growth is taken as zero, and said so; 1 x 1 x 2000 x 1.
    assert tekun["growth"] is None and tekun["growth_assumed_zero"] is True
    assert (tekun["prevalence"], tekun["estimate"]) == ("1.0000", "2000.00")
    low = lines["low_income"]
    # No roll: the year's aid 3000 x (1 + (3000 / 2500 - 1)) = 3600.00
    assert (low["basis"], low["on_roll"], low["growth"], low["estimate"]) == ("aid", None, "0.2000", "3600.00")
    totals = estimate["totals"]
    assert totals == {
        "on_roll": 6,
        "on_roll_reference": 5,
        "aided": 5,  # A, B, E, F, H: each person once
        "aid": "8600.00",
        "aid_previous": "4500.00",
        "estimate": "9056.00",
    }
    types = {line["aid_type"]: line for line in estimate["aid_types"]}
    assert (types["hospitalization"]["persons"], types["hospitalization"]["aid"]) == (5, "8100.00")
    assert types["hospitalization"]["average_aid"] == "1620.00"
    assert (types["major_disease"]["persons"], types["major_disease"]["aid"]) == (1, "500.00")
    assert types["hospitalization"]["average_aid_previous"] == "1125.00"  # (1000 + 1000 + 2000 + 500) / 4
    assert types["hospitalization"]["aid_previous"] == "4500.00"


def test_the_api_the_workbook_and_bad_input(small_set, approver, outsider):
    api = client_for(approver)
    answer = api.get(f"/api/v1/statistics/annual-estimate/?region={LINGCHENG}&year={YEAR}")
    assert answer.status_code == 200, answer.content
    assert answer.json()["totals"]["estimate"] == "9056.00"
    bad = api.get(f"/api/v1/statistics/annual-estimate/?region=3714031&year={today().year + 1}")
    assert bad.status_code == 400 and set(bad.json()["errors"]) == {"region", "year"}
    # Another county's approver does not see it.
    assert client_for(outsider).get(f"/api/v1/statistics/annual-estimate/?region={LINGCHENG}").status_code == 404
    clerk = make_staff("clerk9", "village_clerk", BEIJIE, "李秀英")
    assert client_for(clerk).get(f"/api/v1/statistics/annual-estimate/?region={LINGCHENG}").status_code == 403
    book = api.get(f"/api/v1/statistics/annual-estimate.xlsx?region={LINGCHENG}&year={YEAR}")
    assert book.status_code == 200
    sheet = load_workbook(io.BytesIO(book.content))["资金需求估算"]
    rows = {row[0]: row for row in sheet.iter_rows(values_only=True) if row[0] in ("dibao", "tekun", "low_income")}
    assert rows["dibao"][8] == 0.6 and rows["dibao"][14] == 3456
    assert rows["tekun"][13] == "无上年数据，按0计"
    total = next(row for row in sheet.iter_rows(values_only=True) if row[1] == "合计")
    assert total[14] == 9056
    assert any("患病率" in str(cell) for cell in next(sheet.iter_rows(min_row=5, max_row=5, values_only=True)))


def test_the_page(small_set, approver):
    page = client_for(approver).get(f"/workbench/reports/estimate/?region={LINGCHENG}&year={YEAR}")
    assert page.status_code == 200
    text = page.content.decode()
    assert "9056.00" in text and "3456.00" in text and 'id="estimate-formula"' in text
    bad = client_for(approver).get("/workbench/reports/estimate/?region=37&year=20x6")
    assert bad.status_code == 400 and "YYYY" in bad.content.decode()
    book = client_for(approver).get(f"/workbench/reports/estimate/?region={LINGCHENG}&year={YEAR}&format=xlsx")
    assert book["Content-Type"].startswith("application/vnd.openxmlformats")


def test_aid_granted_through_the_system_counts(month_set, approver):  # noqa: F811
    """The applications and settlements of the monthly figures are the estimate's aid."""
    year = today().year
    expected = sum(row.aid for row in AidLedgerRow.objects.filter(day__year=year, region__startswith=LINGCHENG))
    estimate = client_for(approver).get(f"/api/v1/statistics/annual-estimate/?region={LINGCHENG}").json()
    assert estimate["year"] == year and expected > 0
    assert Decimal(estimate["totals"]["aid"]) == Decimal(expected) / 100
