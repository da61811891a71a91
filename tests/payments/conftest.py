"""Payment personas and payable items: the county's finance officer, approved applications with
and without a payee, and an approved hospital claim."""

import pytest

from aidflow.rolls.models import Hospital
from tests.factories import ApplicationFactory, FilingFactory, advance, make_staff, person
from tests.settlements.conftest import register, settle_body, window  # noqa: F401 - fixtures
from tests.workflows.helpers import client_for

ACCOUNT = "6228480000000000123"


def payee(account: str = ACCOUNT) -> dict:
    return {"name": "王秀英", "bank": "德州农商银行", "account": account}


@pytest.fixture
def finance(regions):
    return make_staff("finance", "county_finance", "371403", "郑红")


@pytest.fixture
def second_finance(regions):
    """The county's second finance officer: the second signature on a batch the first prepared."""
    return make_staff("finance_b", "county_finance", "371403", "冯静")


@pytest.fixture
def other_finance(regions):
    return make_staff("finance2", "county_finance", "371426", "钱勇")


def approved(clerk, *, order: str, with_payee: bool = True, excluded_costs: list | None = None):
    """An application filed and approved (at the computed 1000.00, less what `excluded_costs` takes off)."""
    data = FilingFactory(person=person(order))
    if with_payee:
        data["payee"] = payee()
    application = ApplicationFactory(user=clerk, data=data)
    return advance(application, to="notice_delivery", excluded_costs=excluded_costs)


@pytest.fixture
def approved_claim(window, approver):  # noqa: F811
    """An approved monthly claim of 陵城区人民医院 (5950.00) with the hospital's account registered."""
    Hospital.objects.filter(code="H-LC").update(bank="农业银行陵城支行", account="6200000000000371403")
    client_for(window).post("/api/v1/settlements/", settle_body(), content_type="application/json")
    from tests.factories import today

    claim = (
        client_for(window)
        .post("/api/v1/settlement-claims/", {"month": today().strftime("%Y-%m")}, content_type="application/json")
        .json()
    )
    client_for(approver).post(
        f"/api/v1/settlement-claims/{claim['id']}/review/", {"decision": "approve"}, content_type="application/json"
    )
    return claim
