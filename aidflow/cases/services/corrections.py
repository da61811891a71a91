"""Corrections at the supplement step: the clerk may correct the household and the stays found with
the missing materials; the amount is then recalculated and the change recorded."""

from __future__ import annotations

from aidflow.cases.models import Application, HospitalStay
from aidflow.cases.services.calculation import (
    application_extra_categories,
    application_recalculate,
    calculation_input_of,
    calculation_store,
)
from aidflow.cases.services.claims import claims_check, claims_check_request, claims_release, claims_take
from aidflow.cases.services.filing import diagnoses_check, stays_store
from aidflow.core.errors import InputErrors
from aidflow.core.fields import FieldReader, money_text
from aidflow.policy.requests import medical_year, parse_request


def corrected_input(application: Application, payload: dict, reader: FieldReader) -> dict | None:
    """The calculation inputs with the household and/or stays the clerk corrected, or None.

    Errors are reported on the reader under the payload's own field names.
    """
    if payload.get("household") is None and payload.get("stays") is None:
        return None
    corrected = calculation_input_of(
        {
            **application.calculation_input,
            **{key: payload[key] for key in ("household", "stays") if payload.get(key) is not None},
        }
    )
    if isinstance(corrected.get("household"), dict):
        corrected["household"] = {
            **application.calculation_input["household"],
            **{key: value for key, value in corrected["household"].items() if value is not None},
        }
    if payload.get("stays") is not None:
        diagnoses_check(payload["stays"], reader)
    try:
        parse_request(
            corrected, today=application.filing_date, extra_categories=application_extra_categories(application)
        )
    except InputErrors as error:
        for key, messages in error.errors.items():
            if key.startswith(("household", "stays")):
                for message in messages:
                    reader.error(key, message)
    return corrected


def corrections_apply(application: Application, corrected: dict) -> dict:
    """Store corrected inputs, their stays and a fresh calculation; returns what changed as {field: [before, after]}."""
    before = {
        "household": application.calculation_input.get("household"),
        "stays": len(application.calculation_input.get("stays") or []),
        "computed_amount": money_text(application.computed_amount),
    }
    request = parse_request(
        corrected, today=application.filing_date, extra_categories=application_extra_categories(application)
    )
    application.calculation_input = corrected
    application.household_size = request.household_size
    application.household_monthly_income = request.monthly_income
    application.residence = request.residence
    application.medical_year = medical_year(request)
    if "stays" in corrected:
        claims_check_request(request.stays)
        claims_check(id_number=application.id_number, stays=request.stays, exclude=application)
        claims_release(application)
        HospitalStay.objects.filter(application=application).delete()
        stays_store(application, request.stays)
        claims_take(application=application, stays=request.stays)
    calculation_store(application, application_recalculate(application))
    after = {
        "household": corrected.get("household"),
        "stays": len(corrected.get("stays") or []),
        "computed_amount": application.calculation["amount"],
    }
    return {key: [before[key], after[key]] for key in before if before[key] != after[key]}
