"""Procedure fixtures: the Dezhou policy and the people of two villages, townships and counties."""

import pytest

from tests.conftest import MIZHEN, NANYOUFANG, make_staff


@pytest.fixture
def other_reviewer(regions):
    """A township reviewer of another township (糜镇) in the same county."""
    return make_staff("reviewer2", "township_reviewer", MIZHEN, "马丽")


@pytest.fixture
def far_clerk(regions):
    """A village clerk in another county (平原县南油坊)."""
    return make_staff("clerk3", "village_clerk", NANYOUFANG, "张桂兰")
