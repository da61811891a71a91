"""Statistical division codes: normalising, levels and parents (INTERFACES section 1)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from aidflow.core.errors import InputErrors
from aidflow.regions.models import CODE_LENGTH_LEVEL, LEVEL_CODE_LENGTH, PARENT_LEVEL, Level


def normalise_code(raw: str) -> str:
    """Return the code at its own length; 12-digit zero-padded codes (371402000000) are shortened.

    Raises ValidationError for anything that is not a division code.
    """
    code = (raw or "").strip()
    if not code.isascii() or not code.isdigit():
        raise ValidationError(_("A region code has digits only, got %(code)r.") % {"code": raw})
    if len(code) == 12:
        # Drop all-zero trailing parts: village, township, county, city.
        shortened = code
        for keep in (9, 6, 4, 2):
            if set(code[keep:]) != {"0"}:
                break
            shortened = code[:keep]
        code = shortened
    if len(code) not in CODE_LENGTH_LEVEL:
        raise ValidationError(_("A region code has 2, 4, 6, 9 or 12 digits, got %(code)r.") % {"code": raw})
    if code[:2] == "00":
        raise ValidationError(_("%(code)r is not a region code.") % {"code": raw})
    return code


def county_read(raw: object, field: str = "county") -> str:
    """A county code read from a request; InputErrors naming `field` otherwise."""
    try:
        code = normalise_code(str(raw or ""))
    except ValidationError as error:
        raise InputErrors({field: error.messages}) from None
    if level_of(code) != Level.COUNTY:
        raise InputErrors({field: [_("%(code)s is not a county code.") % {"code": code}]})
    return code


def level_of(code: str) -> str:
    return CODE_LENGTH_LEVEL[len(code)]


def parent_code(code: str) -> str | None:
    """The code of the region directly above, or None for a province."""
    parent_level = PARENT_LEVEL.get(level_of(code))
    if parent_level is None:
        return None
    return code[: LEVEL_CODE_LENGTH[parent_level]]


def code_at(code: str, level: str) -> str:
    """The code of the region at `level` that contains `code` (itself at its own level).

    Raises ValueError when `level` lies below the code's own level.
    """
    length = LEVEL_CODE_LENGTH[level]
    if length > len(code):
        raise ValueError(f"{code} has no {level} above it")
    return code[:length]


def county_of(code: str) -> str:
    return code_at(code, Level.COUNTY)


def township_of(code: str) -> str:
    return code_at(code, Level.TOWNSHIP)


def codes_above(code: str) -> list[str]:
    """The code of every region containing `code`, from the province down, itself included."""
    return [code[:length] for length in sorted(LEVEL_CODE_LENGTH.values()) if length <= len(code)]
