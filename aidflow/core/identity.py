"""Resident identity numbers (GB 11643-1999): the one place an ID number is checked and read."""

from __future__ import annotations

import datetime
import operator
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"


@dataclass(frozen=True)
class ResidentId:
    number: str
    birth_date: datetime.date
    sex: str  # "male" or "female", from the order code's parity

    def age_on(self, day: datetime.date) -> int:
        """Completed years on `day`: a person turns N on their birthday (29 Feb: on 1 Mar)."""
        before_birthday = (day.month, day.day) < (self.birth_date.month, self.birth_date.day)
        return day.year - self.birth_date.year - (1 if before_birthday else 0)


def check_character(first17: str) -> str:
    if len(first17) != len(WEIGHTS):
        raise ValueError("17 digits are weighed")
    return CHECK_CHARACTERS[sum(map(operator.mul, map(int, first17), WEIGHTS)) % 11]


def parse_resident_id(value: str, *, today: datetime.date | None = None) -> ResidentId:
    """Validate an 18-character resident ID number and read its birth date and sex.

    A lowercase check character `x` is accepted and normalised to `X`. Raises ValidationError
    with a message a clerk can act on.
    """
    number = (value or "").strip().upper()
    if len(number) != 18:
        raise ValidationError(
            _("A resident ID number has 18 characters, this one has %(count)d.") % {"count": len(number)},
            code="id_length",
        )
    if not number[:17].isascii() or not number[:17].isdigit() or number[17] not in "0123456789X":
        raise ValidationError(
            _("A resident ID number is 17 digits followed by a digit or X."),
            code="id_characters",
        )
    try:
        birth_date = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(
            _("The birth date %(date)s inside the ID number is not a real date.") % {"date": number[6:14]},
            code="id_birth_date",
        ) from None
    today = today or timezone.localdate()
    if birth_date > today:
        raise ValidationError(
            _("The birth date %(date)s inside the ID number is in the future.") % {"date": birth_date.isoformat()},
            code="id_birth_date",
        )
    if birth_date.year < 1890:
        raise ValidationError(
            _("The birth date %(date)s inside the ID number is not plausible.") % {"date": birth_date.isoformat()},
            code="id_birth_date",
        )
    expected = check_character(number[:17])
    if number[17] != expected:
        raise ValidationError(
            _("The ID number's check character does not match its digits: please check for a typing error."),
            code="id_checksum",
        )
    sex = "male" if int(number[16]) % 2 == 1 else "female"
    return ResidentId(number=number, birth_date=birth_date, sex=sex)


def normalise_resident_id(value: str) -> str:
    """The validated, normalised ID number (for model and form fields)."""
    return parse_resident_id(value).number


def mask_resident_id(number: str) -> str:
    """Mask for lists and public pages: the first 4 and last 4 characters stay, e.g. 3714**********123X."""
    if len(number) <= 8:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def mask_name(name: str) -> str:
    """Mask a Chinese name for lists: 张* for two characters, 王*英 for three or more."""
    name = (name or "").strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]
