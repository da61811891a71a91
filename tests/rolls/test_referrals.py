"""Referrals on file (转诊备案, seed 002 lines ~1772, ~1792; INTERFACES section 11): who records them,
every bad field named, masked answers, scoped and audited reads."""

import datetime

import pytest

from aidflow.audit.models import AuditEvent
from aidflow.rolls.models import Referral
from tests.factories import CITY_HOSPITAL, LINGCHENG_HOSPITAL, WANG_XIUYING, import_hospitals, today
from tests.settlements.conftest import register, window  # noqa: F401 - fixtures
from tests.workflows.helpers import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def hospitals(regions):
    import_hospitals()


def body(**changes) -> dict:
    return {
        "id_number": WANG_XIUYING,
        "name": "王秀英",
        "from_hospital_code": LINGCHENG_HOSPITAL,
        "to_hospital_code": CITY_HOSPITAL,
        "date": today().isoformat(),
        "diagnosis": "肺恶性肿瘤",
        **changes,
    }


def post(user, data):
    return client_for(user).post("/api/v1/referrals/", data, content_type="application/json")


def test_a_village_clerk_records_a_referral_and_the_answer_is_masked(hospitals, clerk):
    response = post(clerk, body())
    assert response.status_code == 201, response.content
    answer = response.json()
    assert answer["number"] == f"ZZ-371403-{today().year}-00001"
    assert answer["id_number"] != WANG_XIUYING and answer["id_number"].endswith(WANG_XIUYING[-4:])
    assert (answer["to_hospital_code"], answer["date"]) == (CITY_HOSPITAL, today().isoformat())
    referral = Referral.objects.get()
    assert (referral.region, referral.recorded_by) == (clerk.staff.region_id, clerk)
    event = AuditEvent.objects.get(action="referral_recorded")
    assert event.details["number"] == answer["number"] and WANG_XIUYING not in str(event.details)


def test_every_bad_field_is_named_and_nothing_is_written(hospitals, clerk):
    tomorrow = (today() + datetime.timedelta(days=1)).isoformat()
    response = post(clerk, body(id_number="110105194912310021", to_hospital_code="NOPE", date=tomorrow, diagnosis=""))
    assert response.status_code == 400
    assert {"id_number", "to_hospital_code", "date", "diagnosis"} <= set(response.json()["errors"])
    same = post(clerk, body(to_hospital_code=LINGCHENG_HOSPITAL))
    assert same.status_code == 400 and "to_hospital_code" in same.json()["errors"]
    assert not Referral.objects.exists()


def test_who_records_and_who_reads(hospitals, clerk, far_clerk, approver, auditor, outsider, window):  # noqa: F811
    # A person on 陵城区's roll is outside 平原县's scope.
    from aidflow.rolls.models import RollPeriod

    RollPeriod.objects.create(
        id_number=WANG_XIUYING,
        name="王秀英",
        category="dibao",
        region="371403105201",
        valid_from=datetime.date(2020, 1, 1),
    )
    refused = post(far_clerk, body())
    assert refused.status_code == 400 and "id_number" in refused.json()["errors"]
    assert post(auditor, body()).status_code == 403
    assert post(approver, body()).status_code == 201
    # A hospital clerk records only its own hospital's referrals.
    own = window.staff.hospital.code
    assert post(window, body(from_hospital_code=CITY_HOSPITAL)).status_code == 400
    assert post(window, body(from_hospital_code=own)).status_code == 201
    listed = client_for(auditor).get("/api/v1/referrals/", {"id_number": WANG_XIUYING})
    assert listed.status_code == 200 and len(listed.json()) == 2
    assert client_for(outsider).get("/api/v1/referrals/", {"id_number": WANG_XIUYING}).json() == []
    assert len(client_for(window).get("/api/v1/referrals/").json()) == 1
    bad = client_for(auditor).get("/api/v1/referrals/", {"id_number": "123"})
    assert bad.status_code == 400 and "id_number" in bad.json()["errors"]
    assert AuditEvent.objects.filter(action="referrals_read").count() == 3
