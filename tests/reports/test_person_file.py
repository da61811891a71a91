"""The person file (INTERFACES section 13): everything on one person within the reader's region -
roll periods, applications, settlements, payments, notices, each year's use per aid type - scoped
like case files (another county's staff get 404) and recorded as a read."""

import pytest

from aidflow.audit.models import AuditEvent
from aidflow.audit.services import audit_seal_reads
from aidflow.settlements.models import Settlement
from tests.factories import ApplicationFactory, FilingFactory, advance, person
from tests.settlements.conftest import ZHANG, register, settle_body, window  # noqa: F401 - fixtures
from tests.workflows.helpers import client_for

pytestmark = pytest.mark.django_db


def test_the_person_file_holds_rolls_applications_settlements_and_years(
    window,  # noqa: F811
    clerk,
    reviewer,
    approver,
):
    settled = client_for(window).post("/api/v1/settlements/", settle_body(), content_type="application/json")
    assert settled.status_code == 201, settled.content
    application = advance(ApplicationFactory(user=clerk, data=FilingFactory(person=ZHANG)), to="closed")
    response = client_for(approver).get(f"/api/v1/persons/{ZHANG}/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["id_number"] == ZHANG
    assert [(period["category"], period["region"]) for period in body["roll_periods"]] == [("dibao", "371403105201")]
    assert [item["number"] for item in body["applications"]] == [application.number]
    assert body["applications"][0]["status"] == "approved"
    assert [item["number"] for item in body["settlements"]] == [settled.json()["number"]]
    assert [notice["application"] for notice in body["notices"]] == [application.number]
    years = {(row["year"], row["aid_type"]): row for row in body["history"]}
    assert (application.medical_year, "major_disease") in years
    settlement = Settlement.objects.get(number=settled.json()["number"])
    assert (settlement.medical_year, "hospitalization") in years
    # What each year used is what the calculator's history selector sums.
    major = years[(application.medical_year, "major_disease")]
    assert major["aid_granted"] == str(application.amount)
    hospitalization = years[(settlement.medical_year, "hospitalization")]
    assert hospitalization["aid_granted"] == str(settlement.amount)
    audit_seal_reads()
    event = AuditEvent.objects.get(action="person_file_read", actor=approver)
    assert event.details["applications"] == 1 and event.details["settlements"] == 1
    assert ZHANG not in str(event.details)  # masked, as the roll look-up records it

    page = client_for(approver).get(f"/workbench/persons/{ZHANG}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert application.number in text and settled.json()["number"] in text and "person-years" in text
    # The roll's category and region by their names, not their codes.
    assert "<td>低保对象</td>" in text and "<td>dibao</td>" not in text
    assert "<td>371403105201</td>" not in text
    # A village clerk reads no settlements (only the hospitals and the staff above the village do).
    clerk_page = client_for(clerk).get(f"/workbench/persons/{ZHANG}/").content.decode()
    assert application.number in clerk_page and settled.json()["number"] not in clerk_page
    # Reached from the case page, the settlement page and the roll look-up.
    person_url = f"/workbench/persons/{ZHANG}/"
    assert person_url in client_for(clerk).get(f"/workbench/applications/{application.pk}/").content.decode()
    settlement_page = client_for(window).get(f"/workbench/settlements/{settled.json()['id']}/")
    assert person_url in settlement_page.content.decode()
    # The roll look-up writes the ID number into its page once only: its button sends the typed one.
    lookup = client_for(clerk).get("/workbench/recipients/", {"id_number": ZHANG}).content.decode()
    assert 'formaction="/workbench/persons/"' in lookup and lookup.count(ZHANG) == 1
    assert application.number in client_for(clerk).get("/workbench/persons/", {"id_number": ZHANG}).content.decode()


def test_another_countys_staff_and_unknown_people_get_404(policy, clerk, outsider):
    application = ApplicationFactory(user=clerk)
    assert client_for(outsider).get(f"/api/v1/persons/{application.id_number}/").status_code == 404
    assert client_for(outsider).get(f"/workbench/persons/{application.id_number}/").status_code == 404
    nobody = person("399")
    assert client_for(clerk).get(f"/api/v1/persons/{nobody}/").status_code == 404
    assert client_for(clerk).get("/api/v1/persons/not-an-id/").status_code == 404
    assert client_for(clerk).get(f"/api/v1/persons/{application.id_number}/").status_code == 200
    audit_seal_reads()
    assert not AuditEvent.objects.filter(action="person_file_read", actor=outsider).exists()
    assert AuditEvent.objects.filter(action="person_file_read", actor=clerk).count() == 1
