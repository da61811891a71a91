"""The referrals screen (转诊备案, seed 002 lines ~1772, ~1792) as each role uses it: errors in the shared
summary and beside their fields, the form filled in from a case's stay left out for want of a
referral and back to that case, a hospital's own referrals only, auditors reading only; and the way
to it from the roll look-up."""

import pytest

from aidflow.rolls.models import Referral
from tests.factories import (
    CITY_HOSPITAL,
    CITY_HOSPITAL_NAME,
    LINGCHENG_HOSPITAL,
    WANG_XIUYING,
    ApplicationFactory,
    FilingFactory,
    StayFactory,
    advance,
    today,
)
from tests.settlements.conftest import ZHANG, register, window  # noqa: F401 - fixtures
from tests.workflows.helpers import client_for

pytestmark = pytest.mark.django_db
URL = "/workbench/referrals/"


def form(**changes) -> dict:
    return {
        "id_number": WANG_XIUYING,
        "name": "王秀英",
        "from_hospital_code": "",
        "to_hospital_code": CITY_HOSPITAL,
        "date": today().isoformat(),
        "diagnosis": "肺恶性肿瘤",
        **changes,
    }


@pytest.fixture
def excluded_case(policy, clerk, reviewer):
    """A case whose second stay, at 德州市人民医院 outside 陵城区, is left out: no referral on file."""
    stays = [StayFactory(), StayFactory(hospital=CITY_HOSPITAL_NAME, hospital_level=3)]
    application = advance(ApplicationFactory(user=clerk, data=FilingFactory(stays=stays)), to="township_review")
    assert application.calculation["stays"][1]["excluded"] == "NO_REFERRAL"
    return application


def test_errors_stand_in_the_summary_and_beside_their_fields_with_what_was_typed(policy, clerk):
    response = client_for(clerk).post(URL, form(id_number="110105194912310021", to_hospital_code="", diagnosis=""))
    page = response.content.decode()
    assert response.status_code == 400 and 'id="referral-errors"' in page and "未保存" in page
    for field in ("id_number", "to_hospital_code", "diagnosis"):
        assert f'href="#id_{field}"' in page and f'id="id_{field}-error"' in page
    assert 'id="id_id_number" name="id_number" value="110105194912310021"' in page  # kept as typed
    assert 'aria-invalid="true" aria-describedby="id_diagnosis-error"' in page
    assert 'href="#id_name"' not in page  # a field without an error is not listed
    assert not Referral.objects.exists()


def test_the_form_comes_filled_in_from_the_case_and_goes_back_to_it(excluded_case, clerk):
    web = client_for(clerk)
    stay = excluded_case.stays.get(index=1)
    page = web.get(URL, {"application": excluded_case.pk, "stay": 1}).content.decode()
    assert f'value="{excluded_case.id_number}"' in page and 'value="王秀英"' in page
    assert f'<option value="{CITY_HOSPITAL}" selected>' in page and 'value="肺恶性肿瘤"' in page
    admitted = stay.admission_date.isoformat()
    assert f"转诊日期须不晚于 {admitted}" in page and f'max="{admitted}"' in page
    assert f'name="application" value="{excluded_case.pk}"' in page
    # The date is the referral's own, typed from its paper: left empty, it is named.
    missing = web.post(URL, {**form(date=""), "application": excluded_case.pk, "stay": 1})
    assert missing.status_code == 400 and 'href="#id_date"' in missing.content.decode()
    assert "转诊日期须不晚于" in missing.content.decode()  # still for that case
    recorded = web.post(URL, {**form(date=admitted), "application": excluded_case.pk, "stay": 1})
    assert recorded.status_code == 302 and recorded["Location"] == f"/workbench/applications/{excluded_case.pk}/"
    referral = Referral.objects.get()
    assert (referral.id_number, referral.to_hospital.code, referral.date) == (
        WANG_XIUYING,
        CITY_HOSPITAL,
        stay.admission_date,
    )


def test_a_case_out_of_scope_fills_in_nothing(excluded_case, far_clerk):
    page = client_for(far_clerk).get(URL, {"application": excluded_case.pk, "stay": 1}).content.decode()
    assert WANG_XIUYING not in page and "转诊日期须不晚于" not in page


def test_a_hospital_records_its_own_referrals_only(policy, window):  # noqa: F811
    web = client_for(window)
    page = web.get(URL).content.decode()
    own = window.staff.hospital.code
    select = page.split('id="id_from_hospital_code"', 1)[1].split("</select>", 1)[0]
    assert select.count("<option") == 1 and f'value="{own}"' in select
    other = web.post(URL, form(from_hospital_code=LINGCHENG_HOSPITAL, to_hospital_code=CITY_HOSPITAL))
    assert other.status_code == 400 and 'href="#id_from_hospital_code"' in other.content.decode()
    assert web.post(URL, form(from_hospital_code=own)).status_code == 302
    assert Referral.objects.get().from_hospital.code == own


def test_the_county_records_and_the_auditor_only_reads(policy, approver, auditor):
    assert client_for(approver).post(URL, form()).status_code == 302
    reader = client_for(auditor)
    page = reader.get(URL, {"id_number": WANG_XIUYING}).content.decode()
    assert 'id="referral-submit"' not in page and "仅供查阅" in page
    assert Referral.objects.get().number in page
    assert reader.post(URL, form()).status_code == 403
    assert Referral.objects.count() == 1


def test_the_roll_look_up_opens_the_persons_referrals(window, approver):  # noqa: F811
    page = client_for(approver).get("/workbench/recipients/", {"id_number": ZHANG}).content.decode()
    assert 'id="lookup-referrals"' in page and f'formaction="{URL}"' in page and 'form="roll-lookup"' in page
    # The referrals screen opened with the person's ID number lists theirs, and fills in the form.
    page = client_for(approver).get(URL, {"id_number": ZHANG}).content.decode()
    assert f'id="id_id_number" name="id_number" value="{ZHANG}"' in page
