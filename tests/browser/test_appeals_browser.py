"""The county approver records a reconsideration and its outcome on the case page in Chromium."""

import pytest
from django.utils import timezone

from aidflow.appeals.models import Appeal
from tests.appeals.helpers import delivered_case
from tests.browser.conftest import log_in, screenshot
from tests.browser.test_procedure_browser import pick
from tests.factories import PASSWORD
from tests.workflows.helpers import PDF_BYTES

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_appeal_and_its_outcome_on_the_case_page(page, policy, clerk, reviewer, approver, tmp_path):
    application = delivered_case(clerk, reviewer, approver)
    log_in(page, approver.username, PASSWORD)
    page.goto(f"/workbench/applications/{application.pk}/#appeals")
    section = page.locator("#appeals")
    assert "行政复议" in section.inner_text()
    page.fill("#appeals input[name=case_number]", "陵政复〔2026〕1号")
    page.click("#appeal-submit")
    page.wait_for_load_state("networkidle")
    # The body was left empty: the error stands beside its field, the typed case number is kept.
    assert "此字段为必填项" in page.locator("#appeals").inner_text()
    assert page.input_value("#appeals input[name=case_number]") == "陵政复〔2026〕1号"
    screenshot(page, "appeal-form-error")
    pick(page, "kind", "reconsideration")
    page.fill("#appeals input[name=body]", "德州市陵城区人民政府")
    page.click("#appeal-submit")
    page.wait_for_load_state("networkidle")
    appeal = Appeal.objects.get()
    document = tmp_path / "复议决定书.pdf"
    document.write_bytes(PDF_BYTES)
    pick(page, "outcome", "upheld")
    page.fill("#appeals input[name=decided_on]", timezone.localdate().isoformat())
    page.set_input_files("#appeals input[name=document]", str(document))
    page.click(f"#outcome-submit-{appeal.pk}")
    page.wait_for_load_state("networkidle")
    appeal.refresh_from_db()
    assert appeal.outcome == "upheld"
    assert "维持原决定" in page.locator("#appeals").inner_text()
    screenshot(page, "appeal-recorded")

    # The month's statistics count it, per county, by kind and outcome.
    page.goto(f"/workbench/reports/monthly/?region=371403&month={timezone.localdate():%Y-%m}")
    page.wait_for_load_state("networkidle")
    block = page.locator("section#appeals").inner_text()
    assert "行政复议与行政诉讼" in block and "陵城区" in block
    screenshot(page, "appeal-statistics")
