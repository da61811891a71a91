"""A results file of thousands of bad rows is not read back row by row: the first 50 messages are
listed, then one saying how many more there are (the page, the API, and errors renamed by row)."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from aidflow.core.errors import ERRORS_LISTED, InputErrors, MoreErrors
from aidflow.payments.models import PaymentBatch, PaymentLine
from tests.factories import today
from tests.payments.conftest import approved
from tests.workflows.helpers import client_for, post_confirmed

# What follows the bank file, not who approves it: one signature (tests/payments/test_approval.py has two).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("one_signature")]
BAD_ROWS = 40_000  # 160,000 cells: under the upload's limit of cells


@pytest.fixture
def batch(policy, clerk, reviewer, approver, finance):
    approved(clerk, order="201")
    post_confirmed(client_for(finance), "/workbench/payments/", {})
    return PaymentBatch.objects.get()


def test_a_results_file_of_forty_thousand_bad_rows_lists_fifty_and_counts_the_rest(batch, finance):
    web = client_for(finance)
    web.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    rows = "".join(f"{900 + number},成功,{today().isoformat()},\n" for number in range(BAD_ROWS))
    upload = SimpleUploadedFile("results.csv", f"序号,状态,日期,原因\n{rows}".encode())
    response = post_confirmed(web, f"/workbench/payments/batches/{batch.pk}/", {"file": upload})
    assert response.status_code == 400
    page = response.content.decode()
    # Each message shows in the summary and on the field: fifty distinct rows, 2 to 51.
    assert set(re.findall(r"Row (\d+), 序号: &#x27;\d+&#x27; is not a line of this batch", page)) == {
        str(row) for row in range(2, 2 + ERRORS_LISTED)
    }
    assert f"and {BAD_ROWS - ERRORS_LISTED} more errors (the first 50 are listed)" in page
    assert "Row 51," in page and "Row 52," not in page
    assert len(page) < 200_000
    assert not PaymentLine.objects.exclude(status="pending").exists()


def test_the_api_lists_fifty_errors_and_the_count(batch, finance):
    results = [{"line": 10_000 + number, "status": "paid", "paid_on": "not a day"} for number in range(500)]
    response = client_for(finance).post(
        f"/api/v1/payment-batches/{batch.pk}/results/", {"results": results}, content_type="application/json"
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    messages = [message for listed in errors.values() for message in listed]
    assert len(messages) == ERRORS_LISTED + 1
    assert errors[""][-1].endswith("（仅列出前 50 处）。") or "more errors" in errors[""][-1]


def test_errors_renamed_after_capping_keep_the_true_count():
    first = InputErrors({f"results[{index}].paid_on": ["bad day"] for index in range(120)})
    assert sum(map(len, first.errors.values())) == ERRORS_LISTED + 1
    (more,) = first.errors[""]
    assert isinstance(more, MoreErrors) and more.count == 70
    renamed = InputErrors({"file": [f"Row {index}: {m}" for index in range(3) for m in ["x"]] + list(first.errors[""])})
    assert renamed.errors["file"][-1].count == 70
    again = InputErrors({"file": [*(f"row {index}" for index in range(60)), MoreErrors(70)]})
    assert len(again.errors["file"]) == ERRORS_LISTED + 1 and again.errors["file"][-1].count == 80
    assert InputErrors({"a": ["x"]}).errors == {"a": ["x"]}


def test_a_result_without_its_line_says_the_field_is_required(batch, finance):
    """It printed "No line <object object at 0x...> in batch ...": the missing-field marker."""
    web = client_for(finance)
    web.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = web.post(
        f"/api/v1/payment-batches/{batch.pk}/results/",
        {"results": [{"status": "failed", "reason": "x"}]},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"results[0].line": ["This field is required."]}
    assert "object at" not in response.content.decode()


def test_the_missing_marker_prints_as_missing():
    from aidflow.core.fields import MISSING

    assert repr(MISSING) == str(MISSING) == "missing" and not MISSING


def test_a_zip_bomb_results_file_answers_400_within_a_second(batch, finance):
    import io
    import time
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bomb:
        bomb.writestr("[Content_Types].xml", "<Types/>")
        # 400 MB of zeros, ~400 KB packed: past what a batch's results may unpack to (320 MB).
        bomb.writestr("xl/worksheets/sheet1.xml", bytes(400 * 1024 * 1024))
    upload = SimpleUploadedFile("results.xlsx", buffer.getvalue())
    web = client_for(finance)
    web.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    started = time.monotonic()
    response = post_confirmed(web, f"/workbench/payments/batches/{batch.pk}/", {"file": upload})
    assert time.monotonic() - started < 1.0
    assert response.status_code == 400 and "unpacks to more than 320 MB" in response.content.decode()
