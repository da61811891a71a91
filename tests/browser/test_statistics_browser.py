"""The monthly statistics page in a real Chromium: its three charts drawn by the local Chart.js."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, screenshot
from tests.factories import PASSWORD, today
from tests.reports.test_monthly import month_set  # noqa: F401 - fixture
from tests.settlements.conftest import register, window  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_statistics_page_draws_its_charts(page, month_set, approver):  # noqa: F811
    log_in(page, "approver", PASSWORD)
    page.goto(f"/workbench/reports/monthly/?region=371403&month={today():%Y-%m}")
    expect(page.locator("h1")).to_contain_text("陵城区")
    expect(page.locator(".af-facts").first).to_contain_text("9350.00")
    for chart in ("chart-region", "chart-category", "chart-ontime"):
        drawn = page.evaluate(
            f"() => !!Chart.getChart('{chart}') && Chart.getChart('{chart}').data.datasets.length > 0"
        )
        assert drawn, chart
    # The chart of aid by township carries this month's total in its last column.
    last = page.evaluate(
        "() => Chart.getChart('chart-region').data.datasets"
        ".reduce((sum, set) => sum + set.data[set.data.length - 1], 0)"
    )
    assert round(last, 2) == 9350.00
    screenshot(page, "monthly-statistics")
