"""Resident ID numbers: checksum, birth date, normalisation, masking."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from aidflow.core.identity import mask_name, mask_resident_id, normalise_resident_id, parse_resident_id
from tests.idnumbers import resident_id

TODAY = datetime.date(2026, 11, 22)


def test_the_documented_example_is_valid():
    resident = parse_resident_id("11010519491231002X", today=TODAY)
    assert resident.birth_date == datetime.date(1949, 12, 31)
    assert resident.sex == "female"  # order code 002 is even
    assert resident.age_on(datetime.date(2026, 3, 10)) == 76


def test_lowercase_x_is_normalised():
    assert normalise_resident_id(" 11010519491231002x ") == "11010519491231002X"


def test_sex_from_order_code():
    assert parse_resident_id(resident_id(datetime.date(1980, 5, 1), order="011"), today=TODAY).sex == "male"
    assert parse_resident_id(resident_id(datetime.date(1980, 5, 1), order="012"), today=TODAY).sex == "female"


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("110105194912310021", "check character"),
        ("11010519491231002", "18 characters"),
        ("1101051949123100XX", "17 digits followed by a digit or X"),
        ("11010519490231002X", "not a real date"),
        (resident_id(datetime.date(2027, 1, 1)), "in the future"),
        ("", "18 characters"),
    ],
)
def test_bad_numbers_are_refused(number, message):
    with pytest.raises(ValidationError, match=message):
        parse_resident_id(number, today=TODAY)


def test_age_on_birthdays_including_29_february():
    born = parse_resident_id(resident_id(datetime.date(1966, 3, 10)), today=TODAY)
    assert born.age_on(datetime.date(2026, 3, 10)) == 60
    assert born.age_on(datetime.date(2026, 3, 9)) == 59
    leap = parse_resident_id(resident_id(datetime.date(2008, 2, 29)), today=TODAY)
    assert leap.age_on(datetime.date(2026, 2, 28)) == 17
    assert leap.age_on(datetime.date(2026, 3, 1)) == 18


def test_masks():
    assert mask_resident_id("37140319660310001X") == "3714**********001X"
    assert mask_name("王小英") == "王*英"
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳小明") == "欧**明"
