"""The settlement window (INTERFACES section 8): the roll on the discharge date, the same calculator,
422 when no aid is due, 409 for a stay claimed anywhere, reversal, and the shared annual history."""

import datetime
import subprocess

import pytest
from django.db import connection

from aidflow.audit.models import AuditEvent
from aidflow.cases.models import StayClaim
from aidflow.cases.services.calculation import aid_calculate
from aidflow.cases.services.filing import application_file
from aidflow.core.errors import Conflict
from aidflow.settlements.models import Settlement
from aidflow.settlements.services.window import settlement_record
from tests.concurrency import run_in_threads
from tests.factories import FilingFactory, StayFactory, advance, today
from tests.settlements.conftest import LI, WANG, ZHANG, discharged, refer, settle_body
from tests.workflows.helpers import client_for

pytestmark = pytest.mark.django_db


def settle(user, body):
    return client_for(user).post("/api/v1/settlements/", body, content_type="application/json")


def test_happy_path_amount_and_patient_pays_by_hand(window):
    response = settle(window, settle_body())
    assert response.status_code == 201, response.content
    body = response.json()
    # 18000 - 9000 - 0 - 500 = 8500 left; 70% = 5950.00; the patient pays 20000 - 9000 - 500 - 5950.
    assert (body["status"], body["category"], body["amount"], body["patient_pays"]) == (
        "settled",
        "dibao",
        "5950.00",
        "4550.00",
    )
    assert body["number"].startswith(f"JS-H-LC-{today().year}-")
    assert body["calculation"]["policy"]["category_group"] == "key_recipient"
    settlement = Settlement.objects.get()
    assert settlement.county == "371403" and settlement.region == "371403105201"
    event = AuditEvent.objects.get(action="settlement_recorded")
    assert event.details["number"] == body["number"] and event.region == "371403105201"
    assert ZHANG not in str(event.details)


def test_not_on_the_roll_on_the_discharge_date_is_422_and_records_nothing(window):
    # On the roll since yesterday only; discharged three days ago (last December early in January,
    # still within the claim window).
    discharge = today() - datetime.timedelta(days=3)
    before = {
        "admission_date": (discharge - datetime.timedelta(days=5)).isoformat(),
        "discharge_date": discharge.isoformat(),
    }
    response = settle(window, settle_body(LI, name="李四", **before))
    assert response.status_code == 422
    assert [reason["code"] for reason in response.json()["reasons"]] == ["NOT_ON_ROLL"]
    assert not Settlement.objects.exists() and not StayClaim.objects.exists()
    admission = (today() - datetime.timedelta(days=2)).isoformat()
    later = settle(window, settle_body(LI, name="李四", admission_date=admission, discharge_date=today().isoformat()))
    assert later.status_code == 201  # discharged today, when the roll has the person


def test_uninsured_without_a_county_rule_is_422(window):
    body = settle_body()
    body["patient"]["insured"] = False
    response = settle(window, body)
    assert response.status_code == 422
    assert [reason["code"] for reason in response.json()["reasons"]] == ["RULE_NOT_CONFIGURED"]
    assert not Settlement.objects.exists()


def test_major_disease_without_serious_illness_insurance_is_422(window):
    response = settle(window, settle_body(aid_type="major_disease"))
    assert response.status_code == 422
    assert "NO_SERIOUS_ILLNESS_INSURANCE" in [reason["code"] for reason in response.json()["reasons"]]
    paid = settle(window, settle_body(aid_type="major_disease", serious_illness_insurance="2000.00"))
    assert paid.status_code == 201 and paid.json()["amount"] == "4550.00"  # 70% of 6500


def test_bad_input_names_each_field(window):
    body = settle_body(total_cost="-1", diagnosis="")
    body["patient"]["id_number"] = "110105194912310021"
    tomorrow = (today() + datetime.timedelta(days=1)).isoformat()
    body["stay"]["discharge_date"] = tomorrow
    response = settle(window, body)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert {"patient.id_number", "stay.total_cost", "stay.discharge_date"} <= set(errors)
    assert not Settlement.objects.exists()


def test_only_hospital_clerks_settle(approver, register):
    assert settle(approver, settle_body()).status_code == 403


def test_a_stay_already_settled_is_409(window):
    first = settle(window, settle_body()).json()
    second = settle(window, settle_body())
    assert second.status_code == 409
    assert first["number"] in second.json()["errors"]["stay"][0]
    assert Settlement.objects.count() == 1


def test_a_retried_settlement_that_used_the_whole_cap_is_409_not_422(window):
    big = settle_body(total_cost="40000.00", eligible_cost="30000.00", basic_insurance="9000.00")
    first = settle(window, big)
    assert first.status_code == 201 and first.json()["amount"] == "10000.00"  # the whole cap
    again = settle(window, big)
    assert again.status_code == 409 and first.json()["number"] in again.json()["errors"]["stay"][0]


def test_an_overlapping_stay_in_the_same_hospital_is_409(window):
    first = settle(window, settle_body()).json()
    admission, discharge = discharged()
    shifted = datetime.date.fromisoformat(admission) + datetime.timedelta(days=1)
    if shifted >= datetime.date.fromisoformat(discharge):
        pytest.skip("the stay is too short early in January to shift its admission")
    response = settle(window, settle_body(admission_date=shifted.isoformat()))
    assert response.status_code == 409 and first["number"] in response.json()["errors"]["stay"][0]
    readmitted = settle(window, settle_body(admission_date=discharge, discharge_date=discharge))
    assert readmitted.status_code == 201  # back on the day of discharge: a new stay


def test_a_stay_in_an_application_cannot_be_settled_and_the_reverse(window, clerk):
    admission, discharge = discharged()
    stay = StayFactory(hospital="陵城区 人民医院", hospital_level=2, admission_date=admission, discharge_date=discharge)
    application = application_file(user=clerk, data=FilingFactory(person=ZHANG, category="dibao", stays=[stay]))
    response = settle(window, settle_body())
    assert response.status_code == 409
    assert application.number in response.json()["errors"]["stay"][0]
    # The other way: a settled stay cannot be filed in an application.
    # A later stay: readmitted on the day of discharge (distinct even early in January).
    other_admission, other_discharge = discharge, today().isoformat()
    settled = settle(window, settle_body(admission_date=other_admission, discharge_date=other_discharge)).json()
    filed = StayFactory(
        hospital="陵城区人民医院", hospital_level=2, admission_date=other_admission, discharge_date=other_discharge
    )
    with pytest.raises(Conflict) as caught:
        application_file(user=clerk, data=FilingFactory(person=ZHANG, category="dibao", stays=[filed]))
    assert settled["number"] in caught.value.errors["stays[0]"][0]


def test_a_settlement_reduces_a_later_application_in_the_same_year(window, clerk):
    settle(window, settle_body())
    admission, discharge = discharged(days_ago=20, length=5)
    request = FilingFactory(person=ZHANG, category="dibao", aid_type="hospitalization")
    request.pop("applicant")
    request["stays"] = [
        StayFactory(
            eligible_cost="18000.00",
            total_cost="20000.00",
            basic_insurance="9000.00",
            serious_illness_insurance="0.00",
            other_insurance="500.00",
            admission_date=admission,
            discharge_date=discharge,
        )
    ]
    result = aid_calculate(data=request)
    # 70% of 17000 = 11900, capped at 10000, less the 5950.00 the window already advanced.
    assert (result["granted_before"], result["amount"]) == ("5950.00", "4050.00")


def test_an_approved_application_reduces_a_later_settlement(window, clerk, reviewer, approver):
    admission, discharge = discharged(days_ago=30, length=5)
    stay = StayFactory(
        eligible_cost="18000.00",
        total_cost="20000.00",
        basic_insurance="9000.00",
        serious_illness_insurance="0.00",
        other_insurance="500.00",
        admission_date=admission,
        discharge_date=discharge,
    )
    data = FilingFactory(person=ZHANG, category="dibao", aid_type="hospitalization", stays=[stay])
    application = advance(application_file(user=clerk, data=data), to="notice_delivery")
    assert application.amount == 5950
    body = settle(window, settle_body()).json()
    assert (body["amount"], body["calculation"]["granted_before"]) == ("4050.00", "5950.00")


def test_a_recipient_of_another_county_is_settled_under_that_countys_roll(window, far_clerk):
    """Treated outside the paying county, the stay counts only with a referral on file (seed 002 lines
    ~1772, ~1792: 转诊 ... 核准备案, 方可救助; INTERFACES section 11): 422 NO_REFERRAL without it."""
    refused = settle(window, settle_body(WANG, name="王五"))
    assert refused.status_code == 422 and refused.json()["reasons"][0]["code"] == "NO_REFERRAL"
    assert not Settlement.objects.exists()
    refer(far_clerk, WANG, "王五", "H-LC", settle_body()["stay"]["admission_date"])
    body = settle(window, settle_body(WANG, name="王五")).json()
    settlement = Settlement.objects.get(pk=body["id"])
    assert (settlement.category, settlement.county, settlement.hospital.code) == ("tekun", "371426", "H-LC")


def test_reversal_while_unclaimed_frees_the_stay_and_the_history(window, other_window):
    body = settle(window, settle_body()).json()
    api = client_for(window)
    assert (
        api.post(f"/api/v1/settlements/{body['id']}/reverse/", {}, content_type="application/json").status_code == 400
    )
    assert (
        client_for(other_window)
        .post(f"/api/v1/settlements/{body['id']}/reverse/", {"reason": "x"}, content_type="application/json")
        .status_code
        == 404
    )
    reversed_ = api.post(
        f"/api/v1/settlements/{body['id']}/reverse/", {"reason": "录入错误"}, content_type="application/json"
    )
    assert reversed_.status_code == 200 and reversed_.json()["status"] == "reversed"
    again = settle(window, settle_body())
    assert again.status_code == 201 and again.json()["amount"] == "5950.00"  # the history no longer counts it
    twice = api.post(f"/api/v1/settlements/{body['id']}/reverse/", {"reason": "再次"}, content_type="application/json")
    assert twice.status_code == 409
    assert AuditEvent.objects.filter(action="settlement_reversed").count() == 1


def test_the_slip_names_the_shares_and_masks_the_id(window, tmp_path):
    body = settle(window, settle_body()).json()
    response = client_for(window).get(f"/api/v1/settlements/{body['id']}/slip.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    path = tmp_path / "slip.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    for expected in ("一站式", "结算单", "陵城区人民医院", body["number"], "张秀兰", "5950.00", "4550.00", "9000.00"):
        assert expected in text, expected
    assert ZHANG not in text and ZHANG[:4] in text


def test_who_sees_which_settlements(window, other_window, approver, outsider, auditor, clerk, reviewer):
    body = settle(window, settle_body()).json()
    path = f"/api/v1/settlements/{body['id']}/"
    # Village and township staff of the patient's village do not read hospital settlements.
    assert client_for(clerk).get(path).status_code == 404
    assert client_for(reviewer).get(path).status_code == 404
    assert client_for(window).get(path).status_code == 200
    assert client_for(approver).get(path).status_code == 200
    assert client_for(auditor).get(path).status_code == 200
    assert client_for(other_window).get(path).status_code == 404
    assert client_for(outsider).get(path).status_code == 404
    month = discharged()[1][:7]
    listed = client_for(window).get(f"/api/v1/settlements/?month={month}&status=settled").json()
    assert [item["number"] for item in listed["results"]] == [body["number"]]
    assert client_for(window).get("/api/v1/settlements/?month=2026-13").status_code == 400
    assert client_for(outsider).get("/api/v1/settlements/").json()["count"] == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_windows_settling_one_stay_at_once_one_wins(window):
    results = [
        getattr(result, "number", result)
        for result in run_in_threads(
            [
                lambda: settlement_record(user=window, data=settle_body()),
                lambda: settlement_record(user=window, data=settle_body()),
            ]
        )
    ]
    numbers = [result for result in results if isinstance(result, str)]
    conflicts = [result for result in results if isinstance(result, Conflict)]
    assert len(numbers) == 1 and len(conflicts) == 1
    assert numbers[0] in conflicts[0].errors["stay"][0]
    assert Settlement.objects.count() == 1 and StayClaim.objects.count() == 1
    assert connection.vendor == "postgresql"
