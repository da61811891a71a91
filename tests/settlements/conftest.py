"""The settlement personas: two designated hospitals of Dezhou, their window clerks and a roll."""

import datetime

import pytest

from aidflow.regions.services import staff_save
from aidflow.rolls.models import Hospital
from aidflow.rolls.services import hospitals_import, recipients_import
from tests.factories import PASSWORD, person, today

# 张秀兰 on the 低保 roll of 陵城区北街; 王五 on the 特困 roll of 平原县; 李四 joined 陵城区's roll only yesterday.
ZHANG, WANG, LI = person("031"), person("032"), person("033")


@pytest.fixture
def register(regions, policy):
    hospitals_import(
        text="code,name,level,county,designated_from,designated_to\n"
        "H-LC,陵城区人民医院,2,371403,2016-01-01,\n"
        "H-PY,平原县人民医院,2,371426,2016-01-01,\n"
    )
    since = (today() - datetime.timedelta(days=400)).isoformat()
    yesterday = (today() - datetime.timedelta(days=1)).isoformat()
    recipients_import(
        text="id_number,name,category,region,valid_from,valid_to\n"
        f"{ZHANG},张秀兰,dibao,371403105201,{since},\n"
        f"{WANG},王五,tekun,371426102201,{since},\n"
        f"{LI},李四,dibao,371403105201,{yesterday},\n"
    )


def _clerk(username: str, code: str, name: str):
    return staff_save(
        username=username,
        password=PASSWORD,
        role="hospital_clerk",
        region_code=None,
        name=name,
        hospital=Hospital.objects.get(code=code),
    )


@pytest.fixture
def window(register):
    """The settlement clerk of 陵城区人民医院."""
    return _clerk("window", "H-LC", "马建华")


@pytest.fixture
def other_window(register):
    """The settlement clerk of 平原县人民医院 (another county of the same city)."""
    return _clerk("window2", "H-PY", "高峰")


def discharged(days_ago: int = 3, length: int = 10) -> tuple[str, str]:
    """Admission and discharge of a recent stay discharged in the current year (on 1 January early
    in the year); the admission may fall in the year before, as a stay counts toward the year of
    its discharge."""
    day = today()
    discharge = max(day - datetime.timedelta(days=days_ago), datetime.date(day.year, 1, 1))
    admission = discharge - datetime.timedelta(days=length)
    return admission.isoformat(), discharge.isoformat()


def settle_body(id_number: str = ZHANG, *, name: str = "张秀兰", aid_type: str = "hospitalization", **stay) -> dict:
    """A stay of 20000.00 with 18000.00 compliant, 9000.00 from basic insurance and 500.00 from other
    insurance: 8500.00 left for medical aid, 70% of it is 5950.00."""
    admission, discharge = discharged()
    return {
        "patient": {"id_number": id_number, "name": name, "insured": True},
        "aid_type": aid_type,
        "stay": {
            "admission_date": admission,
            "discharge_date": discharge,
            "total_cost": "20000.00",
            "eligible_cost": "18000.00",
            "basic_insurance": "9000.00",
            "serious_illness_insurance": "0.00",
            "other_insurance": "500.00",
            "charity": "0.00",
            "diagnosis": "慢性阻塞性肺病伴急性加重",
            "icd10": "J44.1",
            **stay,
        },
    }


def refer(user, id_number: str, name: str, hospital_code: str, admission: str) -> dict:
    """A referral on file (转诊备案) of the person to that hospital, dated the day of admission."""
    from tests.workflows.helpers import client_for

    response = client_for(user).post(
        "/api/v1/referrals/",
        {
            "id_number": id_number,
            "name": name,
            "to_hospital_code": hospital_code,
            "date": admission,
            "diagnosis": "转诊",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    return response.json()
