"""Reading JSON input field by field, collecting one message per bad field (path-named, e.g. stays[0].charity)."""

from __future__ import annotations

import datetime
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from aidflow.core.errors import InputErrors

CENT = Decimal("0.01")


class _Missing:
    """A field left out (FieldReader.get), apart from one sent as null. Falsy, and printed as
    "missing" should it ever reach a message."""

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "missing"


MISSING = _Missing()
# Dates anyone records here: a year outside is a typo (0001-01-01, 9999-12-31).
DATE_YEARS = (1900, 2100)
# C0 control characters a person never types (tab, line feed and carriage return are text). A NUL
# reaches PostgreSQL as an error, so it is refused at the door, naming where it was.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Characters that print as nothing: a text of only these is empty.
INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u3000"), None)


def _encodable(text: str) -> bool:
    """False for text no database can store (a lone surrogate from a JSON escape)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return "\x00" not in text


def choices_text(choices) -> str:
    """The codes a field accepts, each with its name where the label table has one: "dibao（低保对象）"."""
    from aidflow.core.labels import any_label

    return ", ".join(f"{code}（{name}）" if (name := any_label(code)) else str(code) for code in choices)


class FieldReader:
    """Collects errors while reading fields, so one pass reports every bad field at once."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def error(self, path: str, message: str) -> None:
        self.errors.setdefault(path, []).append(message)

    def raise_if_any(self) -> None:
        if self.errors:
            raise InputErrors(self.errors)

    def get(self, data: Any, key: str, path: str, *, required: bool = True) -> Any:
        if not isinstance(data, dict):
            return MISSING
        if key not in data or data[key] is None:
            if required:
                self.error(path, _("This field is required."))
            return MISSING
        return data[key]

    def obj(self, data: Any, key: str, path: str, *, required: bool = True) -> dict | None:
        value = self.get(data, key, path, required=required)
        if value is MISSING:
            return None
        if not isinstance(value, dict):
            self.error(path, _("Must be an object."))
            return None
        return value

    def text(self, data: Any, key: str, path: str, *, required: bool = True, max_length: int = 500) -> str | None:
        value = self.get(data, key, path, required=required)
        if value is MISSING:
            return None
        # An optional text may be sent empty: it means the same as leaving it out (INTERFACES section 5).
        blank = isinstance(value, str) and not value.translate(INVISIBLE).strip()
        if not required and blank:
            return None
        if not isinstance(value, str) or blank:
            self.error(path, _("Must be a non-empty text."))
            return None
        if not _encodable(value):
            self.error(path, _("Contains a character that is not valid text."))
            return None
        if len(value) > max_length:
            self.error(path, _("Must be at most %(count)d characters.") % {"count": max_length})
            return None
        return value.strip()

    def choice(self, data: Any, key: str, path: str, choices: list[str], *, required: bool = True) -> str | None:
        value = self.get(data, key, path, required=required)
        if value is MISSING:
            return None
        if value not in choices:
            self.error(
                path,
                _("Unknown value %(value)r; use one of %(choices)s.")
                % {"value": value, "choices": choices_text(choices)},
            )
            return None
        return value

    def boolean(self, data: Any, key: str, path: str, *, default: bool | None = None) -> bool | None:
        value = self.get(data, key, path, required=default is None)
        if value is MISSING:
            return default
        if not isinstance(value, bool):
            self.error(path, _("Must be true or false."))
            return None
        return value

    def integer(self, data: Any, key: str, path: str, *, minimum: int, maximum: int) -> int | None:
        value = self.get(data, key, path)
        if value is MISSING:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(path, _("Must be a whole number."))
            return None
        if not minimum <= value <= maximum:
            self.error(
                path, _("Must be between %(minimum)d and %(maximum)d.") % {"minimum": minimum, "maximum": maximum}
            )
            return None
        return value

    def decimal(
        self,
        data: Any,
        key: str,
        path: str,
        *,
        places: int,
        minimum: Decimal | None = Decimal(0),
        maximum: Decimal | None = None,
        required: bool = True,
        above_minimum: bool = False,
    ) -> Decimal | None:
        value = self.get(data, key, path, required=required)
        if value is MISSING:
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.error(path, _('Must be a number written as a string, e.g. "1234.50".'))
            return None
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            self.error(path, _("%(value)r is not a number.") % {"value": value})
            return None
        if not number.is_finite():
            self.error(path, _("%(value)r is not a number.") % {"value": value})
            return None
        if number.as_tuple().exponent < -places:
            self.error(path, _("At most %(places)d decimal places.") % {"places": places})
            return None
        if minimum is not None and (number <= minimum if above_minimum else number < minimum):
            if above_minimum:
                self.error(path, _("Must be greater than %(minimum)s.") % {"minimum": minimum})
            elif minimum == 0:
                self.error(path, _("Must not be negative."))
            else:
                self.error(path, _("Must be at least %(minimum)s.") % {"minimum": minimum})
            return None
        if maximum is not None and number > maximum:
            self.error(path, _("Must be at most %(maximum)s.") % {"maximum": maximum})
            return None
        return number

    def money(self, data: Any, key: str, path: str, *, required: bool = True, positive: bool = False) -> Decimal | None:
        return self.decimal(
            data, key, path, places=2, required=required, maximum=Decimal("999999999.99"), above_minimum=positive
        )

    def date(self, data: Any, key: str, path: str, *, required: bool = True) -> datetime.date | None:
        value = self.get(data, key, path, required=required)
        if value is MISSING:
            return None
        if not isinstance(value, str):
            self.error(path, _("Must be a date YYYY-MM-DD."))
            return None
        try:
            if len(value) != 10:  # fromisoformat would also take the basic form 20260310
                raise ValueError(value)
            day = datetime.date.fromisoformat(value)
        except ValueError:
            self.error(path, _("%(value)r is not a date YYYY-MM-DD.") % {"value": value})
            return None
        if not DATE_YEARS[0] <= day.year <= DATE_YEARS[1]:
            self.error(
                path,
                _("%(value)r lies outside the years %(first)d-%(last)d.")
                % {"value": value, "first": DATE_YEARS[0], "last": DATE_YEARS[1]},
            )
            return None
        return day


def money_text(amount: Decimal) -> str:
    """Money as the contract writes it: a string with two decimals, rounded half-up."""
    return str(amount.quantize(CENT, rounding=ROUND_HALF_UP))


def rate_text(rate: Decimal) -> str:
    """A rate with at least two decimals ("0.70", "0.725")."""
    text = format(rate.normalize(), "f")
    whole, _dot, fraction = text.partition(".")
    return f"{whole}.{fraction.ljust(2, '0')}"


def round_money(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)
