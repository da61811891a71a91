"""The city accepts each county's month (INTERFACES section 14; seed 000 line ~41): the city's
reviewer accepts or returns a signed-off month; a returned month is signed again by the county, the
earlier signature kept; the city's month sums the accepted counties only and names the others."""

import datetime

import pytest
import time_machine

from aidflow.audit.models import AuditEvent
from aidflow.reports.models import MonthlyReport, MonthReview
from tests.factories import make_staff, today
from tests.recoveries.test_revocation import post
from tests.reports.test_monthly import MONTH, month_set  # noqa: F401 - fixture
from tests.settlements.conftest import register, window  # noqa: F401 - fixtures
from tests.workflows.helpers import client_for

pytestmark = pytest.mark.django_db


def at(day: datetime.date):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(10, 0)), tick=True)


@pytest.fixture
def city_reviewer(regions):
    return make_staff("city_reviewer", "city_reviewer", "3714", "何平")


@pytest.fixture
def signed(month_set, approver):  # noqa: F811
    with at(max(today(), today().replace(day=28))):
        answer = post(approver, "/api/v1/statistics/monthly/submit/", {"region": "371403", "month": MONTH})
        assert answer.status_code == 201, answer.content
    return MonthlyReport.objects.get(region="371403", month=MONTH)


def review(user, decision, reasons=""):
    body = {"region": "371403", "month": MONTH, "decision": decision, "reasons": reasons}
    return post(user, "/api/v1/statistics/monthly/review/", body)


def city(user):
    return client_for(user).get(f"/api/v1/statistics/monthly/city/?region=3714&month={MONTH}").json()


def test_return_sign_again_and_accept(signed, approver, city_reviewer, window):  # noqa: F811
    frozen_aid = signed.figures["totals"]["aid"]
    before = city(city_reviewer)
    states = {row["county"]: row["state"] for row in before["counties"]}
    assert states["371403"] == "submitted" and states["371426"] == "not_submitted"
    assert before["totals"]["aid"] == "0.00" and "371403" in before["missing"]
    # Bad input is named; only the city reviewer reviews.
    bad = review(city_reviewer, "return")
    assert bad.status_code == 400 and set(bad.json()["errors"]) == {"reasons"}
    assert review(approver, "accept").status_code == 403
    returned = review(city_reviewer, "return", "住院人次与救助人数的关系不符，请核对")
    assert returned.status_code == 201, returned.content
    assert review(city_reviewer, "accept").status_code == 409  # this signature was reviewed
    assert {row["county"]: row["state"] for row in city(city_reviewer)["counties"]}["371403"] == "returned"
    earlier = (signed.sha256, signed.signed_at)
    # The correction: the hospital reverses a settlement it made in error; the county signs again
    # through the same door.
    from aidflow.settlements.models import Settlement

    live = Settlement.objects.get(status="settled")
    assert post(window, f"/api/v1/settlements/{live.pk}/reverse/", {"reason": "重复结算"}).status_code == 200
    with at(max(today(), today().replace(day=28))):
        again = post(approver, "/api/v1/statistics/monthly/submit/", {"region": "371403", "month": MONTH})
    assert again.status_code == 201, again.content
    report = MonthlyReport.objects.get(region="371403", month=MONTH)
    assert report.sha256 != earlier[0] and report.figures["totals"]["aid"] != frozen_aid
    kept = MonthReview.objects.get()
    assert (kept.sha256, kept.signed_at, kept.decision) == (*earlier, "return")
    assert AuditEvent.objects.filter(action="month_resubmitted", details__earlier=earlier[0]).exists()
    assert review(city_reviewer, "accept").status_code == 201
    after = city(city_reviewer)
    assert after["accepted"] == ["371403"] and after["totals"]["aid"] == report.figures["totals"]["aid"]
    # Signing an accepted month again is refused.
    with at(max(today(), today().replace(day=28))):
        assert (
            post(approver, "/api/v1/statistics/monthly/submit/", {"region": "371403", "month": MONTH}).status_code
            == 409
        )


def test_only_the_city_reviewer_and_the_screen(signed, city_reviewer, auditor):
    assert review(auditor, "accept").status_code == 403  # the city's auditor reads, never accepts
    page = client_for(city_reviewer).get(f"/workbench/reports/city/?month={MONTH}").content.decode()
    assert 'data-county="371403"' in page and 'name="decision"' in page
    bad = client_for(city_reviewer).post(
        "/workbench/reports/city/", {"region": "371403", "month": MONTH, "decision": "return"}
    )
    assert bad.status_code == 400
    done = client_for(city_reviewer).post(
        "/workbench/reports/city/", {"region": "371403", "month": MONTH, "decision": "accept", "reasons": ""}
    )
    assert done.status_code == 302
    assert MonthReview.objects.get().decision == "accept"
    county_page = client_for(city_reviewer).get(f"/workbench/reports/monthly/?region=371403&month={MONTH}")
    assert county_page.status_code == 200 and 'data-testid="city-review"' in county_page.content.decode()
