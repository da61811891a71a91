"""The county's page on one hospital (INTERFACES section 15, item 4) on a small set checked by hand:
陵城区人民医院 settles three stays for 陵城区 (5950.00 each at the window); the county refuses one whole
and part of another (2000.00 of its compliant cost: 1400.00 less aid); the patient of the third says
the stay did not happen. 平原县人民医院 settles one stay for 陵城区, refused nothing."""

import datetime

import pytest

from aidflow.rolls.services import recipients_import
from aidflow.settlements.models import Settlement, SettlementClaim
from aidflow.verifications.models import Verification
from tests.factories import person, today
from tests.recoveries.test_revocation import post
from tests.settlements.conftest import other_window, refer, register, settle_body, window  # noqa: F401
from tests.workflows.helpers import client_for

pytestmark = pytest.mark.django_db
PEOPLE = [person(order) for order in ("801", "802", "803", "804")]


@pytest.fixture
def reviewed(policy, clerk, approver, window, other_window):  # noqa: F811
    since = (today() - datetime.timedelta(days=800)).isoformat()
    rows = "".join(f"{number},钱{index},dibao,371403105201,{since},\n" for index, number in enumerate(PEOPLE))
    recipients_import(text="id_number,name,category,region,valid_from,valid_to\n" + rows)
    for index, number in enumerate(PEOPLE[:3]):
        assert post(window, "/api/v1/settlements/", settle_body(number, name=f"钱{index}")).status_code == 201
    body = settle_body(PEOPLE[3], name="钱3")
    refer(clerk, PEOPLE[3], "钱3", "H-PY", body["stay"]["admission_date"])
    assert post(other_window, "/api/v1/settlements/", body).status_code == 201
    claim = post(window, "/api/v1/settlement-claims/", {"month": today().strftime("%Y-%m"), "county": "371403"})
    claim = SettlementClaim.objects.get(pk=claim.json()["id"])
    first, second, third = (Settlement.objects.get(id_number=number) for number in PEOPLE[:3])
    refusals = [
        {"id": first.pk, "code": "fictitious", "reason": "虚假住院"},
        {"id": second.pk, "code": "over_catalogue", "amount": "2000.00", "reason": "超目录用药"},
    ]
    answer = post(
        approver,
        f"/api/v1/settlement-claims/{claim.pk}/review/",
        {"decision": "approve", "rejected_settlements": refusals},
    )
    assert answer.status_code == 200, answer.content
    Verification.objects.all().delete()
    asked = post(approver, f"/api/v1/settlements/{third.pk}/verification/", {})
    reviewer = client_for(approver)  # the county approver answers where no township is in scope
    return asked.json()["id"], reviewer


def test_the_hospital_page_figures(reviewed, approver, reviewer):
    verification, _client = reviewed
    answer = post(
        reviewer, f"/api/v1/verifications/{verification}/answer/", {"method": "visit", "stay_happened": False}
    )
    assert answer.status_code == 200, answer.content
    page = client_for(approver).get("/workbench/hospitals/H-LC/").content.decode()
    months = page[page.index('data-testid="months"') :]
    # 3 settlements; aid 4550.00 + 5950.00 paid (the whole refusal's 5950.00 not); 2 refused; 1400.00 part.
    assert f"<td>{today().strftime('%Y-%m')}</td>" in months
    assert "10500.00" in months and "5950.00 + 1400.00" in months
    refusals = page[page.index('data-testid="refusals"') :]
    assert "Fictitious stay" in refusals or "虚假住院" in refusals
    assert 'data-testid="findings"' in page and "住院并未发生" in page
    compare = page[page.index('data-testid="compare"') :]
    # Refused share here 2 of 3 = 66.7%; over both hospitals 2 of 4 = 50.0%; aid per settlement paid
    # here (4550.00 + 5950.00) / 2 = 5250.00; everywhere (4550.00 + 5950.00 + 5950.00) / 3 = 5483.33.
    assert "66.7%" in compare and "50.0%" in compare and "5250.00" in compare and "5483.33" in compare
    assert client_for(approver).get("/workbench/hospitals/NOPE/").status_code == 404


def test_only_the_county_reads_it(policy, window, clerk, auditor):  # noqa: F811
    assert client_for(clerk).get("/workbench/hospitals/H-LC/").status_code == 403
    assert client_for(window).get("/workbench/hospitals/H-LC/").status_code == 403
    assert client_for(auditor).get("/workbench/hospitals/H-LC/").status_code == 200
