"""Revocation personas: the payment personas (finance officers, approved items, a hospital's claim)
and a second approver of the county, for write-offs signed off by someone else."""

import pytest

from tests.factories import make_staff
from tests.payments.conftest import approved_claim, finance, other_finance  # noqa: F401 - fixtures
from tests.settlements.conftest import register, window  # noqa: F401 - fixtures


@pytest.fixture
def other_approver(regions):
    """The county approver of 平原县 (another county)."""
    return make_staff("approver2", "county_approver", "371426", "孙杰")


@pytest.fixture
def second_finance(regions):
    return make_staff("finance3", "county_finance", "371403", "吴兰")
