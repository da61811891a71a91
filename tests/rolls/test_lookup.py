"""Looking people up on the rolls (INTERFACES section 7): who may see whom, masking, every look-up
audited; the hospital list; the hospital clerk's role."""

import datetime

import pytest
from django.core.management import call_command

from aidflow.audit.models import AuditEvent
from aidflow.rolls.services import hospitals_import, recipients_import
from tests.factories import PASSWORD, person, today
from tests.workflows.helpers import client_for

pytestmark = pytest.mark.django_db

ALICE, FAR = person("021"), person("022")


@pytest.fixture
def register(regions):
    hospitals_import(
        text="code,name,level,county,designated_from,designated_to\nH-LC,陵城区人民医院,2,371403,2016-01-01,\n"
    )
    since = (today() - datetime.timedelta(days=400)).isoformat()
    recipients_import(
        text="id_number,name,category,region,valid_from,valid_to\n"
        f"{ALICE},张秀兰,dibao,371403105201,{since},\n"
        f"{FAR},王五,tekun,371426102201,{since},\n"
    )


@pytest.fixture
def hospital_clerk(register):
    from aidflow.regions.services import staff_save
    from aidflow.rolls.models import Hospital

    return staff_save(
        username="hclerk",
        password=PASSWORD,
        role="hospital_clerk",
        region_code=None,
        name="马建华",
        hospital=Hospital.objects.get(code="H-LC"),
    )


def test_a_county_approver_sees_people_of_its_county_only(register, approver, outsider):
    api = client_for(approver)
    body = api.get(f"/api/v1/recipients/{ALICE}/").json()
    assert body["category"] == "dibao" and body["region"] == "371403105201"
    assert body["id_number"] != ALICE and "*" in body["id_number"] and body["name"] == "张*兰"
    assert api.get(f"/api/v1/recipients/{FAR}/").status_code == 404
    assert client_for(outsider).get(f"/api/v1/recipients/{ALICE}/").status_code == 404


def test_a_hospital_clerk_sees_anyone_on_a_roll_in_its_city(hospital_clerk):
    api = client_for(hospital_clerk)
    assert api.get(f"/api/v1/recipients/{ALICE}/").json()["category"] == "dibao"
    assert api.get(f"/api/v1/recipients/{FAR}/").json()["category"] == "tekun"  # 平原县, same city
    assert api.get(f"/api/v1/recipients/{person('099')}/").status_code == 404  # on no roll


def test_the_day_decides_and_bad_input_is_400(register, approver):
    api = client_for(approver)
    long_ago = (today() - datetime.timedelta(days=800)).isoformat()
    assert api.get(f"/api/v1/recipients/{ALICE}/?on={long_ago}").json()["category"] is None
    bad = api.get("/api/v1/recipients/110105194912310021/")
    assert bad.status_code == 400 and "id_number" in bad.json()["errors"]
    assert "on" in api.get(f"/api/v1/recipients/{ALICE}/?on=2026-13-01").json()["errors"]


def test_every_look_up_is_audited_found_or_not(register, approver):
    api = client_for(approver)
    api.get(f"/api/v1/recipients/{ALICE}/")
    api.get(f"/api/v1/recipients/{FAR}/")
    events = list(AuditEvent.objects.filter(action="roll_looked_up").order_by("seq"))
    assert [event.details["found"] for event in events] == [True, False]
    assert all(ALICE not in str(event.details) for event in events)


def test_the_look_up_screen(register, clerk):
    page = client_for(clerk).get(f"/workbench/recipients/?id_number={ALICE}").content.decode()
    assert ("低保" in page or "Minimum-living" in page) and "张*兰" in page and "陵城区神头镇北街" in page
    assert page.count(ALICE) == 1  # only in the search field, as typed; the result is masked


def test_hospitals_list_and_the_hospital_clerk_home(hospital_clerk):
    api = client_for(hospital_clerk)
    assert api.get("/api/v1/hospitals/").json()[0]["code"] == "H-LC"
    home = api.get("/workbench/").content.decode()
    assert "陵城区人民医院" in home
    # A hospital clerk holds no region scope: no applications.
    assert api.get("/api/v1/applications/").json()["count"] == 0


def test_create_staff_for_a_hospital(register, capsys):
    call_command(
        "create_staff", "--username", "h2", "--password", PASSWORD, "--role", "hospital_clerk", "--hospital", "H-LC"
    )
    assert "at 陵城区人民医院" in capsys.readouterr().out
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="hospital"):
        call_command("create_staff", "--username", "h3", "--password", PASSWORD, "--role", "hospital_clerk")
