"""Key-recipient status comes from the county's rolls, not the applicant's word (INTERFACES
section 7): checked on the filing date where the county has a roll, taken as filed where it has none."""

import datetime

import pytest

from aidflow.cases.services.filing import application_file
from aidflow.core.errors import InputErrors
from aidflow.rolls.models import RollPeriod
from tests.factories import LINGCHENG, PINGYUAN, WANG_XIUYING, FilingFactory, today

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


def test_on_the_roll_on_the_filing_date(policy, clerk):
    on_roll()
    application = application_file(user=clerk, data=FilingFactory(**KEY_RECIPIENT))
    assert application.roll_checked is True


def test_a_category_the_roll_contradicts_is_refused_naming_category(policy, clerk):
    on_roll(category="tekun")
    with pytest.raises(InputErrors) as caught:
        application_file(user=clerk, data=FilingFactory(**KEY_RECIPIENT))
    assert list(caught.value.errors) == ["category"]
    assert "tekun" in caught.value.errors["category"][0]


def test_a_period_that_ended_before_the_filing_date_does_not_count(policy, clerk):
    on_roll(since_days=400, until_days=-10)
    on_roll(category="tekun", since_days=5, id_number="110105195001010011")  # the county has a roll
    with pytest.raises(InputErrors):
        application_file(user=clerk, data=FilingFactory(**KEY_RECIPIENT))


def test_low_income_applicants_are_not_on_rolls(policy, clerk):
    on_roll(category="tekun")
    assert application_file(user=clerk, data=FilingFactory()).roll_checked is False
