"""Key-recipient status comes from the county's rolls, not the applicant's word (INTERFACES
sections 7 and 11): a category counts for the stays during which the person was on that roll (seed
002 line ~1772, "医疗救助对象……发生的" - the costs of a recipient), not on the filing date; where the county
keeps no roll the category is taken as filed, on a certificate."""

import datetime

import pytest

from aidflow.cases.services.filing import application_file
from aidflow.core.errors import InputErrors
from aidflow.rolls.models import RollPeriod
from tests.factories import LINGCHENG, PINGYUAN, WANG_XIUYING, FilingFactory, stay_dates, today

pytestmark = pytest.mark.django_db

KEY_RECIPIENT = {"category": "dibao", "aid_type": "hospitalization"}


def on_roll(category="dibao", region=LINGCHENG, since_days=400, until_days=None, id_number=WANG_XIUYING):
    return RollPeriod.objects.create(
        id_number=id_number,
        name="王秀英",
        category=category,
        region=region,
        valid_from=today() - datetime.timedelta(days=since_days),
        valid_to=None if until_days is None else today() + datetime.timedelta(days=until_days),
    )


def test_without_a_roll_the_category_is_taken_as_filed(policy, clerk):
    on_roll(region=PINGYUAN)  # another county's roll says nothing about 陵城区
    application = application_file(user=clerk, data=FilingFactory(**KEY_RECIPIENT))
    assert application.category == "dibao" and application.roll_checked is False


def test_on_the_roll_during_the_stay(policy, clerk):
    on_roll()
    application = application_file(user=clerk, data=FilingFactory(**KEY_RECIPIENT))
    assert application.roll_checked is True


def test_a_category_the_roll_contradicts_is_refused_naming_category(policy, clerk):
    on_roll(category="tekun")
    with pytest.raises(InputErrors) as caught:
        application_file(user=clerk, data=FilingFactory(**KEY_RECIPIENT))
    assert list(caught.value.errors) == ["category"]
    assert "tekun" in caught.value.errors["category"][0]


def test_a_period_that_ended_before_the_stay_does_not_count(policy, clerk):
    """Dropped from the roll before the stay: the stay's costs were not a recipient's."""
    admission, _discharge = stay_dates()
    on_roll(since_days=400, until_days=(admission - today()).days - 1)  # left the day before admission
    on_roll(category="tekun", since_days=5, id_number="110105195001010011")  # the county has a roll
    with pytest.raises(InputErrors) as caught:
        application_file(user=clerk, data=FilingFactory(**KEY_RECIPIENT))
    assert list(caught.value.errors) == ["category"]


def test_a_person_dropped_after_the_stay_keeps_aid_for_it(policy, clerk):
    """Dropped at the annual re-check after the stay and before the filing (seed 002 line ~1772): the
    stay was a recipient's, so it counts - this test was "a period that ended before the filing date
    does not count" while status was read on the filing date."""
    admission, _discharge = stay_dates()
    on_roll(since_days=400, until_days=(admission - today()).days)  # on the roll on the day of admission only
    application = application_file(user=clerk, data=FilingFactory(**KEY_RECIPIENT))
    assert application.roll_checked is True
    assert application.calculation["eligible"] is True
    assert application.calculation["stays"][0]["counted"] is True


def test_low_income_applicants_are_not_on_rolls(policy, clerk):
    on_roll(category="tekun")
    assert application_file(user=clerk, data=FilingFactory()).roll_checked is False
