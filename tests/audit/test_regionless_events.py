"""Events without a region (sign-ins, failed sign-ins, a hospital clerk's roll look-ups, an
administrator's acts) are shown to province auditors, and to a city's auditors only when the actor
works in that city; an auditor of another city, or of a county, does not see them."""

import pytest

from aidflow.audit.models import AuditAction
from aidflow.audit.selectors import auditor_events
from aidflow.audit.services import audit_record
from aidflow.regions.models import Region
from tests.factories import LINGCHENG, make_staff
from tests.settlements.conftest import _clerk, register  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


def seen(user) -> set[str]:
    return set(auditor_events(user).filter(region="").values_list("actor_name", flat=True))


def test_regionless_events_reach_the_province_and_the_actors_own_city(register, clerk):  # noqa: F811
    Region.objects.create(code="3701", name="济南市", level="city", parent_id="37")
    province = make_staff("province_auditor", "auditor", "37", "省审计")
    dezhou = make_staff("dezhou_auditor", "auditor", "3714", "德州审计")
    jinan = make_staff("jinan_auditor", "auditor", "3701", "济南审计")
    county = make_staff("county_auditor", "auditor", LINGCHENG, "县审计")
    window = _clerk("window", "H-LC", "马建华")  # a hospital of 陵城区, in Dezhou
    admin = make_staff("sysadmin", "admin", None, "系统管理员")

    audit_record(actor=window, action=AuditAction.ROLL_LOOKED_UP, details={"found": False})
    audit_record(actor=admin, action=AuditAction.LOGIN)
    audit_record(actor=None, actor_name="clerk", action=AuditAction.LOGIN_FAILED, details={"username": "clerk"})
    audit_record(actor=None, actor_name="nobody", action=AuditAction.LOGIN_FAILED, details={"username": "nobody"})

    assert {"window", "sysadmin", "clerk", "nobody"} <= seen(province)
    assert seen(dezhou) == {"window", "clerk"}
    assert seen(jinan) == set()
    assert seen(county) == set()
    # The auditor's screen shows the same.
    from tests.workflows.helpers import client_for

    page = client_for(jinan).get("/workbench/audit/", {"action": "roll_looked_up"}).content.decode()
    assert "马建华" not in page and "window" not in page
