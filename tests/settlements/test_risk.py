"""A claim's risk flags and sample on a small set checked by hand (INTERFACES section 15, item 1),
on a fixed day of June so that every stay lies in one medical year: five ordinary stays of chapter J
at a level-2 hospital (10 days, 20000.00), one long and costly one, a readmission, a stay overlapping
one at another hospital, one with implausibly little basic insurance, and one drawn at random."""

import datetime
import hashlib
from zoneinfo import ZoneInfo

import pytest
import time_machine

from aidflow.rolls.services import recipients_import
from aidflow.settlements.models import Settlement, SettlementClaim
from aidflow.settlements.services.risk import chapter_of
from aidflow.verifications.models import Verification
from tests.factories import person
from tests.recoveries.test_revocation import post
from tests.settlements.conftest import other_window, refer, register, settle_body, window  # noqa: F401
from tests.workflows.helpers import client_for

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 6, 20)
PEOPLE = {order: person(order) for order in ("501", "502", "503", "504", "505", "506", "507")}


def stay(days_ago: int, length: int = 10, **money) -> dict:
    discharge = DAY - datetime.timedelta(days=days_ago)
    return {
        "admission_date": (discharge - datetime.timedelta(days=length)).isoformat(),
        "discharge_date": discharge.isoformat(),
        **money,
    }


def settle(user, order: str, **values):
    response = post(user, "/api/v1/settlements/", settle_body(PEOPLE[order], name=f"赵{order}", **values))
    assert response.status_code == 201, response.content
    return response.json()


@pytest.fixture
def claim(policy, clerk, approver, window, other_window):  # noqa: F811
    with time_machine.travel(datetime.datetime(2026, 6, 20, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        rows = "".join(f"{number},赵{order},dibao,371403105201,2025-01-01,\n" for order, number in PEOPLE.items())
        recipients_import(text="id_number,name,category,region,valid_from,valid_to\n" + rows)
        for order in ("501", "502", "503", "504"):
            settle(window, order, **stay(3))
        # Basic insurance of 100.00 where the rules expect about 14,500: implausible.
        settle(window, "505", **stay(3, basic_insurance="100.00"))
        # 40 days (4 x the median 10) and 70000.00 (3.5 x the median 20000.00, and above 50000.00).
        settle(window, "506", **stay(3, length=40, total_cost="70000.00"))
        # Discharged on 5 June, admitted again on 13 June: 8 days later, same hospital.
        settle(window, "507", **stay(15))
        settle(window, "507", **stay(0, length=7))
        # 501 also at 平原县人民医院 (referred) for days overlapping the stay above.
        referral = stay(2, length=6)
        refer(clerk, PEOPLE["501"], "赵501", "H-PY", referral["admission_date"])
        settle(other_window, "501", **referral)
        answer = post(window, "/api/v1/settlement-claims/", {"month": "2026-06", "county": "371403"})
        assert answer.status_code == 201, answer.content
        yield SettlementClaim.objects.get(pk=answer.json()["id"])


def flags_by_person(claim) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for settlement in claim.settlements.all():
        found.setdefault(settlement.id_number, set()).update(flag["code"] for flag in settlement.flags)
    return found


def test_each_flag_on_the_stay_that_trips_it(claim, approver):
    assert claim.count == 8
    found = flags_by_person(claim)
    sampled = {number for number, codes in found.items() if "SAMPLED" in codes}
    for codes in found.values():
        codes.discard("SAMPLED")
    assert found == {
        PEOPLE["501"]: {"OVERLAPPING_STAYS"},
        PEOPLE["502"]: set(),
        PEOPLE["503"]: set(),
        PEOPLE["504"]: set(),
        PEOPLE["505"]: {"INSURANCE_IMPLAUSIBLE"},
        PEOPLE["506"]: {"HIGH_VALUE", "LONG_STAY", "HIGH_COST_FOR_CHAPTER"},
        PEOPLE["507"]: {"READMISSION_15_DAYS"},
    }
    # Only the later of 507's two stays is the readmission.
    later = Settlement.objects.get(id_number=PEOPLE["507"], discharge_date=DAY)
    assert [flag["code"] for flag in later.flags if flag["code"] != "SAMPLED"] == ["READMISSION_15_DAYS"]
    assert "8" in later.flags[0]["message"]
    # 5% of 8 settlements, at least one: the one whose hash of (claim, settlement) numbers is smallest.
    numbers = dict(claim.settlements.values_list("number", "id_number"))
    first = min(numbers, key=lambda number: hashlib.sha256(f"{claim.number}:{number}".encode()).hexdigest())
    assert sampled == {numbers[first]} and claim.sampled_count == 1
    assert claim.flagged_count == Settlement.objects.filter(claim=claim, flagged=True).count()
    # The drawn settlement's patient is asked by the township.
    (verification,) = Verification.objects.all()
    assert verification.settlement.number == first and verification.reason == "sampled"
    # The API shows the flags, the review screen puts the flagged first.
    api = client_for(approver).get(f"/api/v1/settlements/{later.pk}/").json()
    assert api["flags"][0]["code"] == "READMISSION_15_DAYS"
    page = client_for(approver).get(f"/workbench/claims/{claim.pk}/").content.decode()
    ordinary = Settlement.objects.filter(claim=claim, flagged=False).first().number
    assert page.index(later.number) < page.index(ordinary)
    assert "15天内再次入院" in page or "Readmitted within 15 days" in page


def test_the_share_looked_at_is_recorded_with_the_review(claim, approver):
    flagged = list(Settlement.objects.filter(claim=claim, flagged=True).values_list("pk", flat=True))
    path = f"/api/v1/settlement-claims/{claim.pk}/review/"
    bad = post(approver, path, {"decision": "approve", "reviewed_settlements": [flagged[0], 999999]})
    assert bad.status_code == 400 and "reviewed_settlements" in bad.json()["errors"]
    answer = post(approver, path, {"decision": "approve", "reviewed_settlements": flagged[:2]})
    assert answer.status_code == 200, answer.content
    assert answer.json()["reviewed_count"] == 2
    from aidflow.audit.models import AuditEvent

    event = AuditEvent.objects.filter(action="claim_reviewed").latest("seq")
    assert event.details["reviewed"] == 2 and event.details["share_reviewed"] == "0.2500"


def test_chapters_of_codes():
    assert chapter_of("J44.1") == chapter_of("J00") != chapter_of("I10")
    assert chapter_of("D50") != chapter_of("D48") and chapter_of("") is None and chapter_of("??") is None
