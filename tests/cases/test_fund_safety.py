"""Fund safety through the application route (INTERFACES section 11, POLICY section 8): each test is a
way money went where 德民〔2015〕69号 (seed 002) says no, tried as a county's reviewer would."""

import datetime

import pytest

from aidflow.calendars.services import due_date
from aidflow.cases.models import Application
from aidflow.cases.selectors import open_task
from aidflow.cases.services.filing import application_file
from aidflow.cases.services.tasks import task_complete
from aidflow.core.errors import Conflict, InputErrors
from aidflow.notices.models import Notice
from aidflow.rolls.models import Hospital
from tests.factories import (
    CITY_HOSPITAL,
    CITY_HOSPITAL_NAME,
    ApplicationFactory,
    FilingFactory,
    StayFactory,
    advance,
    calculation_request,
    certificate,
    person,
    stay_dates,
    today,
)
from tests.settlements.conftest import register, window  # noqa: F401 - fixtures
from tests.workflows.helpers import client_for

pytestmark = pytest.mark.django_db


def api_post(user, path, body):
    return client_for(user).post(path, body, content_type="application/json")


# --- the filing date is the day the village received it (seed 002 line ~1772: 救助时限) ---------------


def earliest_filing_date(day: datetime.date) -> datetime.date:
    """The earliest filing date whose village check (3 natural days) is not yet overdue on `day`."""
    candidate = day
    while due_date(received=candidate - datetime.timedelta(days=1), days=3, counting="natural").date >= day:
        candidate -= datetime.timedelta(days=1)
    return candidate


def test_a_filing_date_moved_back_is_refused_naming_filing_date(policy, clerk):
    """Eight months back gets round the claim window (10,500 元 for a stay out of time): 400."""
    back = today() - datetime.timedelta(days=240)
    stay = StayFactory(admission_date=back.isoformat(), discharge_date=back.isoformat())
    with pytest.raises(InputErrors) as caught:
        application_file(user=clerk, data=FilingFactory(filing_date=back.isoformat(), stays=[stay]))
    assert list(caught.value.errors) == ["filing_date"]
    assert not Application.objects.exists()


def test_a_filing_date_is_accepted_while_the_village_check_is_still_in_time(policy, clerk):
    """A due date equal to today is in time; one day earlier the check would already be overdue."""
    earliest = earliest_filing_date(today())
    assert due_date(received=earliest, days=3, counting="natural").date >= today()
    stay = StayFactory(admission_date=earliest.isoformat(), discharge_date=earliest.isoformat())
    filed = application_file(user=clerk, data=FilingFactory(filing_date=earliest.isoformat(), stays=[stay]))
    assert filed.filing_date == earliest and filed.stage_due_date is not None
    too_early = earliest - datetime.timedelta(days=1)
    early_stay = StayFactory(admission_date=too_early.isoformat(), discharge_date=too_early.isoformat())
    with pytest.raises(InputErrors) as caught:
        application_file(
            user=clerk, data=FilingFactory(person=person("777"), filing_date=too_early.isoformat(), stays=[early_stay])
        )
    assert "filing_date" in caught.value.errors


# --- only designated hospitals; a referral before out-of-county treatment (lines ~1772, ~1792) --------


def test_a_hospital_not_on_the_register_is_excluded_not_designated(policy, clerk):
    local = StayFactory()
    private = StayFactory(hospital="某私立医院", eligible_cost="40000.00", total_cost="40000.00")
    filed = application_file(user=clerk, data=FilingFactory(stays=[local, private]))
    calculation = filed.calculation
    assert [stay["counted"] for stay in calculation["stays"]] == [True, False]
    assert "NOT_DESIGNATED" in [reason["code"] for reason in calculation["reasons"]]
    assert calculation["amount"] == "1000.00"  # the designated stay alone: 20% of (17000 - 12000)


def test_a_hospital_no_longer_designated_on_the_discharge_day_is_excluded(policy, clerk):
    _admission, discharge = stay_dates()
    Hospital.objects.filter(name="陵城区人民医院").update(designated_to=discharge - datetime.timedelta(days=1))
    filed = application_file(user=clerk, data=FilingFactory())
    assert filed.calculation["eligible"] is False
    assert [reason["code"] for reason in filed.calculation["reasons"]] == ["NOT_DESIGNATED"]


def refer(user, id_number: str, day: datetime.date):
    return api_post(
        user,
        "/api/v1/referrals/",
        {
            "id_number": id_number,
            "name": "王秀英",
            "to_hospital_code": CITY_HOSPITAL,
            "date": day.isoformat(),
            "diagnosis": "肺恶性肿瘤",
        },
    )


def test_an_out_of_county_stay_counts_only_with_a_referral_on_file(policy, clerk):
    """德州市人民医院 is in 德城区; for a 陵城区 patient it needs a referral dated before admission."""
    stay = StayFactory(hospital=CITY_HOSPITAL_NAME, hospital_level=3)
    request = calculation_request(stays=[stay])
    result = api_post(clerk, "/api/v1/calculate/", request).json()
    assert result["eligible"] is False and result["stays"][0]["counted"] is False
    assert [reason["code"] for reason in result["reasons"]] == ["NO_REFERRAL"]
    admitted = datetime.date.fromisoformat(stay["admission_date"])
    if admitted < today():
        assert refer(clerk, request["patient"]["id_number"], admitted + datetime.timedelta(days=1)).status_code == 201
        assert api_post(clerk, "/api/v1/calculate/", request).json()["eligible"] is False  # dated after admission
    on_time = refer(clerk, request["patient"]["id_number"], admitted)
    assert on_time.status_code == 201 and on_time.json()["number"].startswith("ZZ-371403-")
    result = api_post(clerk, "/api/v1/calculate/", request).json()
    assert result["eligible"] is True and result["amount"] == "1000.00"
    # The filing reads the same gates as the calculation.
    assert application_file(user=clerk, data=FilingFactory(stays=[stay])).calculation["amount"] == "1000.00"


# --- the patient or a guardian applies (line ~1796, 患者本人或其监护人) ----------------------------------


def guardian_filing(**changes) -> dict:
    child = person("551", birth=datetime.date(today().year - 9, 3, 14))
    father = person("552", birth=datetime.date(1985, 7, 1))
    data = FilingFactory(person=child, **changes)
    data["applicant"] = {"name": "张海涛", "id_number": father, "phone": "13900000000", "relationship": "guardian"}
    data["patient"] = {**data["patient"], "name": "张小军", "seriously_ill": False}
    return data


def test_a_parent_applies_for_a_child_and_the_notice_is_addressed_to_the_parent(
    policy, clerk, reviewer, approver, django_capture_on_commit_callbacks, tmp_path
):
    from tests.notices.test_notice_law import pdf_text

    application = application_file(user=clerk, data=guardian_filing())
    assert (application.applicant_name, application.patient_full_name) == ("张海涛", "张小军")
    assert application.applicant_relationship == "guardian" and application.calculation["eligible"] is True
    detail = client_for(approver).get(f"/api/v1/applications/{application.pk}/").json()
    assert detail["applicant"]["relationship"] == "guardian" and detail["applicant"]["name"] == "张海涛"
    assert detail["patient"] == {"name": "张小军", "id_number": application.id_number}
    advance(application, to="notice_delivery", capture=django_capture_on_commit_callbacks)
    text = pdf_text(Notice.objects.get(application=application, kind="approval"), tmp_path)
    assert "张海涛" in text and "张小军" in text and "监护人" in text and "代患者" in text


def test_a_guardian_must_name_the_patient_and_give_their_own_id(policy, clerk):
    data = guardian_filing()
    data["patient"].pop("name")
    data["applicant"]["id_number"] = data["patient"]["id_number"]
    with pytest.raises(InputErrors) as caught:
        application_file(user=clerk, data=data)
    assert {"patient.name", "applicant.id_number"} <= set(caught.value.errors)
    assert not Application.objects.exists()


# --- no roll, no word -------------------------------------------------------------------------------


def test_without_a_roll_a_key_recipient_needs_a_certificate_before_the_village_forwards(policy, clerk, approver):
    application = application_file(user=clerk, data=FilingFactory(category="dibao", aid_type="hospitalization"))
    task = open_task(application).pk
    with pytest.raises(InputErrors) as caught:
        task_complete(user=clerk, task_id=task, payload={"decision": "forward"})
    assert list(caught.value.errors) == ["documents"]
    assert Application.objects.get(pk=application.pk).stage == "village_check"
    assert client_for(approver).get(f"/api/v1/applications/{application.pk}/").json()["category_checked"] == (
        "certificate"
    )
    moved = task_complete(user=clerk, task_id=task, payload={"decision": "forward"}, documents=certificate())
    assert moved.stage == "township_review"


# --- the deductible builds up (line ~1812) --------------------------------------------------------


def test_a_claim_below_the_deductible_is_approved_at_zero_and_counts_toward_it(
    policy, clerk, reviewer, approver, django_capture_on_commit_callbacks, tmp_path
):
    from tests.notices.test_notice_law import pdf_text

    small = StayFactory(eligible_cost="40000.00", basic_insurance="30000.00", serious_illness_insurance="5000.00")
    first = ApplicationFactory(user=clerk, data=FilingFactory(stays=[small]))  # 5000.00 remaining
    assert first.calculation["amount"] == "0.00" and first.calculation["eligible"] is True
    first = advance(first, to="notice_delivery", capture=django_capture_on_commit_callbacks)
    assert (first.status, str(first.amount)) == ("approved", "0.00")
    text = pdf_text(Notice.objects.get(application=first, kind="approval"), tmp_path)
    assert "0.00" in text and "起付线" in text
    # Nothing to pay, nothing published, but its 5000.00 count toward the deductible of the next claim.
    assert client_for(approver).get(f"/api/v1/applications/{first.pk}/").json()["payment"] is None
    assert not first.ledger_rows.exists()
    later = StayFactory(hospital="陵城区中医院")
    second = ApplicationFactory(user=clerk, data=FilingFactory(stays=[later]))
    assert second.calculation["deductible_left"] == "7000.00"
    assert second.calculation["amount"] == "2000.00"  # 20% of (17000 - 7000)


# --- the award is the computed amount (line ~1784, 不低于70%) -----------------------------------------


def test_the_county_may_not_award_another_amount(policy, clerk, reviewer, approver):
    application = advance(ApplicationFactory(user=clerk), to="county_approval")
    task = open_task(application).pk
    for amount in ("900.00", "1000.01"):
        with pytest.raises(InputErrors) as caught:
            task_complete(user=approver, task_id=task, payload={"decision": "approve", "amount": amount})
        assert list(caught.value.errors) == ["amount"]
    too_much = {"decision": "approve", "excluded_costs": [{"stay": 0, "amount": "52000.01", "reason": "x"}]}
    with pytest.raises(InputErrors) as caught:
        task_complete(user=approver, task_id=task, payload=too_much)
    assert list(caught.value.errors) == ["excluded_costs[0].amount"]
    approved = task_complete(user=approver, task_id=task, payload={"decision": "approve", "amount": "1000.00"})
    assert str(approved.amount) == "1000.00"


# --- insurance first: implausible figures are flagged (德人社〔2016〕32号, lines ~598-608) -------------


def test_basic_insurance_entered_as_zero_is_flagged_never_blocked(policy, clerk, reviewer, approver):
    zero = StayFactory(basic_insurance="0.00", serious_illness_insurance="5000.00")
    application = ApplicationFactory(user=clerk, data=FilingFactory(stays=[zero]))
    warnings = application.calculation["warnings"]
    assert [(warning["code"], warning["stay"]) for warning in warnings] == [("INSURANCE_IMPLAUSIBLE", 0)]
    assert application.calculation["amount"] == "7000.00"  # the amount is the rules'; the warning asks why
    ApplicationFactory(user=clerk, data=FilingFactory(person=person("662")))  # plausible: no warning
    listed = client_for(approver).get("/api/v1/applications/", {"warning": "INSURANCE_IMPLAUSIBLE"}).json()
    assert [row["number"] for row in listed["results"]] == [application.number]
    advance(application, to="township_review")
    page = client_for(reviewer).get(f"/workbench/applications/{application.pk}/").content.decode()
    assert "af-warnings" in page and "0.00" in page


def test_the_key_recipient_example_of_the_issue_is_flagged(policy, clerk):
    """The issue's figures: 10,000 元 compliant at a level-2 hospital, basic insurance entered as 0 ->
    7,000 元 where the insurance rules leave 2,005 元 (70% = 1,403.50)."""
    stay = StayFactory(
        total_cost="10000.00", eligible_cost="10000.00", basic_insurance="0.00", serious_illness_insurance="0.00"
    )
    data = FilingFactory(category="dibao", aid_type="hospitalization", stays=[stay])
    application = application_file(user=clerk, data=data, documents=certificate())
    assert application.calculation["amount"] == "7000.00"
    assert "7995.00" in application.calculation["warnings"][0]["message"]  # (10000 - 250) x 82%


# --- the notice is delivered after it was issued -------------------------------------------------------


def test_a_delivery_dated_before_the_notice_was_issued_is_refused(policy, clerk, reviewer, approver):
    from aidflow.notices.tasks import render_pending_notices

    application = advance(ApplicationFactory(user=clerk), to="notice_delivery")
    render_pending_notices(older_than_seconds=0)
    yesterday = (today() - datetime.timedelta(days=1)).isoformat()
    payload = {"delivered_on": yesterday, "method": "in_person", "recipient": "王秀英"}
    with pytest.raises(InputErrors) as caught:
        task_complete(user=reviewer, task_id=open_task(application).pk, payload=payload)
    assert list(caught.value.errors) == ["delivered_on"]


# --- a stay the county refused in a hospital's claim stays claimed (line ~1838, 不予结算) -----------


def test_a_stay_refused_as_non_compliant_cannot_be_filed_through_the_village(clerk, window, approver):  # noqa: F811
    from tests.settlements.conftest import ZHANG, settle_body

    body = settle_body()
    settled = api_post(window, "/api/v1/settlements/", body).json()
    claim = api_post(window, "/api/v1/settlement-claims/", {"month": today().strftime("%Y-%m")}).json()
    review = api_post(
        approver,
        f"/api/v1/settlement-claims/{claim['id']}/review/",
        {
            "decision": "approve",
            "rejected_settlements": [{"id": settled["id"], "code": "non_compliant", "reason": "不按规定用药"}],
            "reasons": "不按规定用药",
        },
    )
    assert review.status_code == 200
    stay = StayFactory(
        hospital="陵城区人民医院",
        admission_date=body["stay"]["admission_date"],
        discharge_date=body["stay"]["discharge_date"],
    )
    data = FilingFactory(person=ZHANG, category="dibao", aid_type="hospitalization", stays=[stay])
    with pytest.raises(Conflict) as caught:
        application_file(user=clerk, data=data)
    assert settled["number"] in caught.value.errors["stays[0]"][0]
    assert not Application.objects.exists()
    # And through the API: 409 naming the refused settlement.
    response = api_post(clerk, "/api/v1/applications/", data)
    assert response.status_code == 409 and settled["number"] in response.json()["errors"]["stays[0]"][0]
