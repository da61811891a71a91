"""One stay, one aid (INTERFACES section 4): a hospital stay under a live claim cannot be claimed
again, in another application or under another aid type; a refusal or withdrawal frees it."""

import pytest
from django.db import connection

from aidflow.cases.models import Application, HospitalStay, StayClaim
from aidflow.cases.services.filing import application_file
from aidflow.cases.services.withdrawal import application_withdraw
from aidflow.core.errors import Conflict
from tests.concurrency import run_in_threads
from tests.factories import FilingFactory, StayFactory, advance

pytestmark = pytest.mark.django_db


def api_login(client, user):
    client.force_login(user)
    return client


def test_the_same_stay_in_a_second_application_is_refused_naming_the_first(policy, clerk):
    first = application_file(user=clerk, data=FilingFactory())
    with pytest.raises(Conflict) as caught:
        application_file(user=clerk, data=FilingFactory())
    assert caught.value.errors == {"stays[0]": [f"This stay is already claimed in application {first.number}."]}
    assert Application.objects.count() == 1 and HospitalStay.objects.count() == 1


def test_the_same_stay_under_another_aid_type_is_refused(policy, clerk):
    first = application_file(user=clerk, data=FilingFactory())
    other_type = FilingFactory(category="dibao", aid_type="hospitalization")
    with pytest.raises(Conflict) as caught:
        application_file(user=clerk, data=other_type)
    assert first.number in caught.value.errors["stays[0]"][0]


def test_the_hospital_name_is_compared_after_normalising_spaces_and_full_width(policy, clerk):
    application_file(user=clerk, data=FilingFactory())
    stay = StayFactory(hospital="陵城区 人民医院 ")
    with pytest.raises(Conflict):
        application_file(user=clerk, data=FilingFactory(stays=[stay]))
    other_hospital = StayFactory(hospital="陵城区中医院")
    assert application_file(user=clerk, data=FilingFactory(stays=[other_hospital]))


def test_the_same_stay_twice_in_one_request_is_bad_input(client, policy, clerk):
    stay = StayFactory()
    response = api_login(client, clerk).post(
        "/api/v1/applications/", FilingFactory(stays=[stay, dict(stay)]), content_type="application/json"
    )
    assert response.status_code == 400
    assert "stays[1]" in response.json()["errors"]


def test_api_answers_409_and_writes_nothing(client, policy, clerk):
    api = api_login(client, clerk)
    first = api.post("/api/v1/applications/", FilingFactory(), content_type="application/json")
    assert first.status_code == 201
    counts = (Application.objects.count(), StayClaim.objects.count(), HospitalStay.objects.count())
    second = api.post(
        "/api/v1/applications/",
        FilingFactory(category="dibao", aid_type="hospitalization"),
        content_type="application/json",
    )
    assert second.status_code == 409
    assert first.json()["number"] in second.json()["errors"]["stays[0]"][0]
    assert (Application.objects.count(), StayClaim.objects.count(), HospitalStay.objects.count()) == counts


def test_a_refusal_frees_the_stay(policy, clerk, reviewer, approver):
    refused = advance(
        application_file(user=clerk, data=FilingFactory()), to="notice_delivery", reject_at="township_review"
    )
    assert refused.status == "rejected" and not StayClaim.objects.filter(application=refused).exists()
    again = application_file(user=clerk, data=FilingFactory())
    assert again.stay_claims.count() == 1


def test_a_county_refusal_frees_the_stay_and_an_approval_keeps_it(policy, clerk, reviewer, approver):
    advance(application_file(user=clerk, data=FilingFactory()), to="notice_delivery", reject_at="county_approval")
    approved = advance(application_file(user=clerk, data=FilingFactory()), to="closed")
    assert approved.status == "approved"
    with pytest.raises(Conflict):
        application_file(user=clerk, data=FilingFactory())


def test_a_withdrawal_frees_the_stay(policy, clerk):
    application = application_file(user=clerk, data=FilingFactory())
    application_withdraw(user=clerk, application_id=application.pk, reason="申请人撤回")
    assert application_file(user=clerk, data=FilingFactory()).status == "in_progress"


def test_a_supplement_may_not_swap_in_a_stay_claimed_elsewhere(client, policy, clerk, reviewer):
    other_stay = StayFactory(hospital="陵城区中医院")
    holder = application_file(user=clerk, data=FilingFactory(stays=[other_stay]))
    application = advance(
        application_file(user=clerk, data=FilingFactory()), to="supplement", return_at="village_check"
    )
    task = application.clocks.get(outcome="open").task_id
    response = api_login(client, clerk).post(
        f"/api/v1/tasks/{task}/complete/",
        {"note": "更正住院", "stays": [other_stay]},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert holder.number in response.json()["errors"]["stays[0]"][0]
    assert Application.objects.get(pk=application.pk).stage == "supplement"


def test_web_filing_shows_the_conflict_on_the_stay(policy, clerk):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.workflows.helpers import PDF_BYTES, client_for, file_application, filing_post

    first = file_application(clerk)
    data = filing_post()
    data["documents-0-file"] = SimpleUploadedFile("诊断.pdf", PDF_BYTES)
    data["documents-1-file"] = SimpleUploadedFile("结算单.pdf", PDF_BYTES)
    response = client_for(clerk).post("/workbench/applications/new/", data)
    assert response.status_code == 409
    assert first.number in response.content.decode()
    assert Application.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_filings_of_one_stay_one_wins(policy, clerk):
    """Both filings pass the check before either commits; the database lets exactly one through."""
    results = [
        getattr(result, "number", result)
        for result in run_in_threads(
            [
                lambda: application_file(user=clerk, data=FilingFactory()),
                lambda: application_file(user=clerk, data=FilingFactory()),
            ]
        )
    ]
    numbers = [result for result in results if isinstance(result, str)]
    conflicts = [result for result in results if isinstance(result, Conflict)]
    assert len(numbers) == 1 and len(conflicts) == 1
    assert numbers[0] in conflicts[0].errors["stays[0]"][0]
    assert Application.objects.count() == 1 and StayClaim.objects.count() == 1
    assert connection.vendor == "postgresql"
