"""One stay, one aid (INTERFACES section 4): a hospital stay under a live claim cannot be claimed
again, under any aid type or route. The database's unique constraint makes it hold when two
filings of the same stay race; the loser is told which claim holds the stay."""

from __future__ import annotations

import re
import unicodedata

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from aidflow.cases.models import Application, StayClaim
from aidflow.core.errors import Conflict, InputErrors
from aidflow.rolls.models import Hospital

SPACES = re.compile(r"\s+")
# StayClaim.refused: the stay stays claimed after the county refused its settlement (INTERFACES section 11).
REFUSED_NON_COMPLIANT = "non_compliant"
REFUSED_FOR_CORRECTION = "correction_needed"


def normalised(name: str) -> str:
    return SPACES.sub("", unicodedata.normalize("NFKC", name)).casefold()


def registered_names() -> dict[str, str]:
    """Designated hospitals by normalised registered name: a stay filed by name only is the same
    hospital as one filed (or settled) under that hospital's code."""
    return {normalised(name): code for code, name in Hospital.objects.values_list("code", "name")}


def hospital_key(*, hospital: str, hospital_code: str = "", registered: dict[str, str] | None = None) -> str:
    """The same hospital: the same designated-hospital code, or the same name once spaces and
    full-width characters are normalised (a designated hospital's registered name counts as its code)."""
    if not hospital_code:
        names = registered_names() if registered is None else registered
        hospital_code = names.get(normalised(hospital), "")
    if hospital_code:
        return f"code:{hospital_code.strip().upper()}"
    return "name:" + normalised(hospital)


def stay_keys(stays) -> list[tuple[str, object]]:
    """Each stay's claim key (hospital, admission date), against one read of the hospital register;
    a caller making several claim calls for the same stays reads it once and passes the keys on."""
    registered = registered_names()
    return [
        (
            hospital_key(hospital=stay.hospital, hospital_code=stay.hospital_code, registered=registered),
            stay.admission_date,
        )
        for stay in stays
    ]


def claims_check_request(stays, keys: list | None = None) -> None:
    """The same stay twice in one request is bad input."""
    seen: dict[tuple, int] = {}
    errors = {}
    for index, key in enumerate(keys if keys is not None else stay_keys(stays)):
        if key in seen:
            errors[f"stays[{index}]"] = [_("The same stay as stay %(number)d.") % {"number": seen[key] + 1}]
        seen.setdefault(key, index)
    if errors:
        raise InputErrors(errors)


def claim_holder(*, id_number: str, key: str, admitted, exclude: Application | None = None) -> StayClaim | None:
    """The live claim on one stay (other than `exclude`'s), if any."""
    claims = StayClaim.objects.filter(id_number=id_number, hospital_key=key, admission_date=admitted)
    if exclude is not None:
        claims = claims.exclude(application=exclude)
    return claims.first()


def held_message(claim: StayClaim) -> str:
    if claim.refused == REFUSED_NON_COMPLIANT:
        return _(
            "The county refused this stay as non-compliant in settlement %(number)s: the fund does not pay "
            "it (不予结算), by any route."
        ) % {"number": claim.reference}
    if claim.refused == REFUSED_FOR_CORRECTION:
        return _(
            "The county refused settlement %(number)s of this stay for correction: only that hospital may "
            "settle it again, corrected."
        ) % {"number": claim.reference}
    if claim.application_id:
        return _("This stay is already claimed in application %(number)s.") % {"number": claim.reference}
    return _("This stay is already claimed in one-stop settlement %(number)s.") % {"number": claim.reference}


def _held_by(id_number: str, stays, exclude: Application | None = None, keys=None) -> dict[str, list[str]]:
    errors = {}
    for index, (key, admitted) in enumerate(keys if keys is not None else stay_keys(stays)):
        claim = claim_holder(id_number=id_number, key=key, admitted=admitted, exclude=exclude)
        if claim is not None:
            errors[f"stays[{index}]"] = [held_message(claim)]
    return errors


def claims_check(*, id_number: str, stays, exclude: Application | None = None, keys: list | None = None) -> None:
    """Conflict naming the earlier claim of each stay already under a live claim."""
    errors = _held_by(id_number, stays, exclude, keys)
    if errors:
        raise Conflict(errors)


def claims_take(*, application: Application, stays, keys: list | None = None) -> None:
    """Record the application's claim on its stays, inside the caller's transaction."""
    keys = keys if keys is not None else stay_keys(stays)
    try:
        with transaction.atomic():
            StayClaim.objects.bulk_create(
                StayClaim(
                    id_number=application.id_number,
                    hospital_key=key,
                    admission_date=admitted,
                    application=application,
                    reference=application.number,
                )
                for key, admitted in keys
            )
    except IntegrityError:
        # Another filing of the same stay committed first.
        raise Conflict(
            _held_by(application.id_number, stays, exclude=application, keys=keys)
            or {"stays": [_("A stay is already claimed.")]}
        ) from None


def claims_release(application: Application) -> None:
    """The claim ended without aid (withdrawn or refused): its stays may be claimed again."""
    StayClaim.objects.filter(application=application).delete()
