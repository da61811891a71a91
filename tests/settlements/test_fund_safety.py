"""Fund safety at the hospital window (INTERFACES section 11): the same gates as the application route -
status while the costs arose, the referral outside the paying county, the roll's name, and a stay the
county refused staying claimed."""

import datetime
import json

import pytest
from django.db import connection

from aidflow.cases.models import StayClaim
from aidflow.core.errors import Conflict
from aidflow.policy.services import policy_load
from aidflow.rolls.services import recipients_import
from aidflow.settlements.models import Settlement
from aidflow.settlements.services.window import settlement_record
from tests.concurrency import run_in_threads
from tests.factories import DEMO_POLICY_FILE, person, today
from tests.settlements.conftest import ZHANG, settle_body
from tests.workflows.helpers import client_for

pytestmark = pytest.mark.django_db


def post(user, path, body):
    return client_for(user).post(path, body, content_type="application/json")


def test_a_person_dropped_from_the_roll_after_the_stay_is_aided_for_it(window):
    """Dropped from 低保 at the annual re-check after the stay (seed 002 line ~1772: the costs arose
    while a recipient): the window aids the stay, as the application route does."""
    dropped = person("041")
    body = settle_body(dropped, name="赵六")
    last_day = body["stay"]["admission_date"]  # on the roll until the day of admission
    recipients_import(
        text="id_number,name,category,region,valid_from,valid_to\n"
        f"{dropped},赵六,dibao,371403105201,{(today() - datetime.timedelta(days=400)).isoformat()},{last_day}\n"
    )
    response = post(window, "/api/v1/settlements/", body)
    assert response.status_code == 201, response.content
    assert response.json()["amount"] == "5950.00"


def test_a_person_who_joined_the_roll_after_the_stay_is_not_on_it(window):
    joined = person("042")
    body = settle_body(joined, name="钱七")
    day_after = (datetime.date.fromisoformat(body["stay"]["discharge_date"]) + datetime.timedelta(days=1)).isoformat()
    recipients_import(
        text=f"id_number,name,category,region,valid_from,valid_to\n{joined},钱七,dibao,371403105201,{day_after},\n"
    )
    response = post(window, "/api/v1/settlements/", body)
    assert response.status_code == 422 and response.json()["reasons"][0]["code"] == "NOT_ON_ROLL"


def test_the_window_records_the_name_the_roll_gives_for_the_id(window):
    response = post(window, "/api/v1/settlements/", settle_body(ZHANG, name="张三"))
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["patient.name"]
    assert "张*兰" in response.json()["errors"]["patient.name"][0]  # the roll's name, masked
    assert not Settlement.objects.exists()
    assert post(window, "/api/v1/settlements/", settle_body(ZHANG, name=" 张秀兰")).status_code == 201


def refuse(approver, claim_id: int, settlement_id: int, code: str):
    response = post(
        approver,
        f"/api/v1/settlement-claims/{claim_id}/review/",
        {
            "decision": "approve",
            "rejected_settlements": [{"id": settlement_id, "code": code, "reason": "分解住院"}],
            "reasons": "审核发现问题",
        },
    )
    assert response.status_code == 200, response.content
    return response.json()


def claim_one(window, approver, code: str) -> dict:
    settled = post(window, "/api/v1/settlements/", settle_body()).json()
    claim = post(window, "/api/v1/settlement-claims/", {"month": today().strftime("%Y-%m")}).json()
    refuse(approver, claim["id"], settled["id"], code)
    return settled


def test_a_non_compliant_stay_is_never_settled_again(window, approver):
    settled = claim_one(window, approver, "non_compliant")
    assert Settlement.objects.get(pk=settled["id"]).refusal_code == "non_compliant"
    again = post(window, "/api/v1/settlements/", settle_body())
    assert again.status_code == 409 and settled["number"] in again.json()["errors"]["stay"][0]


def test_a_stay_sent_back_for_correction_is_settled_again_by_its_hospital_only(window, approver, clerk):
    from aidflow.cases.services.filing import application_file
    from tests.factories import FilingFactory, StayFactory

    body = settle_body()
    settled = claim_one(window, approver, "correction_needed")
    stay = StayFactory(
        hospital="陵城区人民医院",
        admission_date=body["stay"]["admission_date"],
        discharge_date=body["stay"]["discharge_date"],
    )
    with pytest.raises(Conflict) as caught:
        application_file(
            user=clerk, data=FilingFactory(person=ZHANG, category="dibao", aid_type="hospitalization", stays=[stay])
        )
    assert settled["number"] in caught.value.errors["stays[0]"][0]
    corrected = post(window, "/api/v1/settlements/", settle_body(eligible_cost="16000.00"))
    assert corrected.status_code == 201, corrected.content
    assert corrected.json()["amount"] == "4550.00"  # 70% of (16000 - 9000 - 500)
    claim = StayClaim.objects.get()
    assert (claim.reference, claim.refused) == (corrected.json()["number"], "")
    assert post(window, "/api/v1/settlements/", settle_body()).status_code == 409


def test_one_pool_for_a_key_recipients_inpatient_and_major_disease_caps(window):
    """A county may pool a key recipient's caps (`annual_cap_pool: "one"`): aid granted under either
    aid type counts against the cap of the other."""
    content = json.loads(DEMO_POLICY_FILE.read_text(encoding="utf-8"))
    content.update(code="lingcheng-one-pool", region="371403", annual_cap_pool="one", demo=True)
    content["authorities"] = {"371403": content["authorities"]["371403"]}
    policy_load(data=content)
    first = post(window, "/api/v1/settlements/", settle_body(eligible_cost="18000.00", basic_insurance="5000.00"))
    assert first.json()["amount"] == "8750.00"  # hospitalization: 70% of 12500
    day = today().isoformat()
    major = post(
        window,
        "/api/v1/settlements/",
        settle_body(
            aid_type="major_disease",
            admission_date=day,
            discharge_date=day,
            total_cost="45000.00",
            eligible_cost="40000.00",
            basic_insurance="20000.00",
            serious_illness_insurance="1000.00",
        ),
    )
    # Major disease: 70% of 18500 = 12950.00, but the one pool of 20000 has 8750.00 used.
    assert major.status_code == 201, major.content
    assert (major.json()["amount"], major.json()["calculation"]["granted_before"]) == ("11250.00", "8750.00")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_windows_settling_a_corrected_stay_at_once_one_wins(window, approver):
    claim_one(window, approver, "correction_needed")
    results = run_in_threads(
        [
            lambda: settlement_record(user=window, data=settle_body(eligible_cost="16000.00")),
            lambda: settlement_record(user=window, data=settle_body(eligible_cost="16000.00")),
        ]
    )
    numbers = [result.number for result in results if isinstance(result, Settlement)]
    conflicts = [result for result in results if isinstance(result, Conflict)]
    assert len(numbers) == 1 and len(conflicts) == 1, results
    assert numbers[0] in conflicts[0].errors["stay"][0]
    assert StayClaim.objects.get().reference == numbers[0]
    assert connection.vendor == "postgresql"
