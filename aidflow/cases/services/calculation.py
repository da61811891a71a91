"""Calculating aid for a case: the policy version, the stored inputs and the person's history from
the database. One entry point for `calculate_aid`, the REST endpoint and the filing form's preview,
and the recalculation at the county's decision."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from aidflow.cases.models import Application
from aidflow.cases.selectors import history_sums
from aidflow.cases.services.claims import claims_check, claims_check_request, stay_keys
from aidflow.cases.services.gates import GateResult, cost_exclusions_of, stay_gates
from aidflow.core.errors import InputErrors
from aidflow.policy.calculator import CalculationResult, calculate
from aidflow.policy.models import AidType, Category, CategoryGroup, PolicyVersion
from aidflow.policy.requests import CalculationRequest, History, medical_year, parse_request
from aidflow.policy.services import policy_select, policy_terms
from aidflow.regions.codes import codes_above, normalise_code, parent_code
from aidflow.regions.models import Region


def calculation_input_of(data: dict) -> dict:
    """The calculation request as stored with the application (section 4 fields, no history).

    Values of the wrong shape pass through unchanged, so the calculator's parser names them.
    """
    patient, household, stays = data.get("patient"), data.get("household"), data.get("stays")
    result = {key: data.get(key) for key in ("region", "filing_date", "category", "aid_type")}
    result["patient"] = (
        {
            "id_number": patient.get("id_number"),
            "severely_disabled": patient.get("severely_disabled", False),
            "seriously_ill": patient.get("seriously_ill", False),
            "insured": patient.get("insured", True),
        }
        if isinstance(patient, dict)
        else patient
    )
    result["household"] = (
        {key: household.get(key) for key in ("size", "monthly_income", "residence")}
        if isinstance(household, dict)
        else household
    )
    result["stays"] = (
        [
            {key: value for key, value in stay.items() if key not in ("referral", "referral_number")}
            if isinstance(stay, dict)
            else stay
            for stay in stays
        ]
        if isinstance(stays, list)
        else stays
    )
    return result


def category_error(category: str, version) -> str | None:
    """Why a category cannot be used under `version` (None: it can): built-in categories always
    can; a county's own only where the applicable version declares it."""
    if category in Category.values:
        return None
    if version is not None and any(extra["code"] == category for extra in version.extra_categories):
        return None
    return _("Unknown category %(category)r: the policy that applies here does not declare it.") % {
        "category": category
    }


def declared_categories(data: object, today: datetime.date) -> frozenset[str]:
    """The county-defined categories declared by the versions that may apply to a raw request
    (by its region and filing date, where those can be read): what parse_request may accept
    besides the built-in ones. Which version applies exactly is checked once it is chosen."""
    if not isinstance(data, dict):
        return frozenset()
    try:
        region = normalise_code(str(data.get("region") or ""))
        filing_date = datetime.date.fromisoformat(data["filing_date"]) if data.get("filing_date") else today
    except (ValidationError, ValueError, TypeError):
        return frozenset()
    versions = PolicyVersion.objects.filter(region_code__in=codes_above(region), effective_from__lte=filing_date)
    return frozenset(
        extra["code"]
        for version in versions.exclude(effective_to__lt=filing_date)
        for extra in version.extra_categories
    )


def application_extra_categories(application: Application) -> list[str]:
    return [extra["code"] for extra in application.policy.extra_categories] if application.policy else []


# The inpatient aid types whose annual caps a policy may pool for key recipients (`annual_cap_pool`).
POOLED_AID_TYPES = (AidType.HOSPITALIZATION, AidType.MAJOR_DISEASE)


def person_history(*, id_number: str, aid_type: str, year: int, version, category: str, exclude_pk=None) -> History:
    """What the person used of this aid type and medical year. Where the policy pools a key
    recipient's inpatient and major-disease caps (`annual_cap_pool: "one"`), the aid granted under
    either counts against the cap."""
    history = history_sums(id_number=id_number, aid_type=aid_type, year=year, exclude_pk=exclude_pk)
    if (
        version is not None
        and version.annual_cap_pool == "one"
        and aid_type in POOLED_AID_TYPES
        and policy_terms(version).group_of(category) == CategoryGroup.KEY_RECIPIENT
    ):
        for other in POOLED_AID_TYPES:
            if other != aid_type:
                granted = history_sums(id_number=id_number, aid_type=other, year=year, exclude_pk=exclude_pk)
                history = History(history.remaining_before, history.granted_before + granted.granted_before)
    return history


def request_gates(request, version, *, exclude_application=None, excluded_costs=None) -> GateResult:
    """The gates of a parsed request paid by the county of its region."""
    return stay_gates(
        id_number=request.patient.number,
        category=request.category,
        paying_region=request.region,
        version=version,
        stays=request.stays,
        insured=request.insured,
        cost_exclusions=cost_exclusions_of(excluded_costs or []),
        exclude_application=exclude_application,
    )


@dataclass(frozen=True)
class CalculationRun:
    """One calculation as a filing would make it: the parsed request, the gates' verdict and the result."""

    request: CalculationRequest
    version: PolicyVersion | None
    gated: GateResult
    result: CalculationResult


def calculation_run(
    *, data: object, today: datetime.date | None = None, claims_checked: bool = False
) -> CalculationRun:
    """Validate a calculation request, pick the policy, add the person's history, apply the gates
    (rolls, register, referrals, warnings) exactly as a filing does, and calculate. With
    `claims_checked` (the filing form's preview), a stay already claimed - by an application, a
    settlement, or one the county refused in a hospital claim - is a Conflict naming its holder, as
    the filing itself would answer, instead of an amount.

    Raises InputErrors naming each bad field."""
    today = today or timezone.localdate()
    request = parse_request(data, today=today, extra_categories=declared_categories(data, today))
    region = request.region
    # A village missing from the region table is accepted when its township is known: the
    # published lists name only some villages.
    if not Region.objects.filter(code__in=[region, parent_code(region) or region]).exists():
        raise InputErrors({"region": [_("Unknown region %(code)s.") % {"code": region}]})
    if claims_checked:
        keys = stay_keys(request.stays)
        claims_check_request(request.stays, keys)
        claims_check(id_number=request.patient.number, stays=request.stays, keys=keys)
    version = policy_select(region_code=region, filing_date=request.filing_date)
    error = category_error(request.category, version)
    if error:
        raise InputErrors({"category": [error]})
    history = request.history or person_history(
        id_number=request.patient.number,
        aid_type=request.aid_type,
        year=medical_year(request),
        version=version,
        category=request.category,
    )
    gated = request_gates(request, version)
    result = calculate(request, policy_terms(version) if version else None, history, gated.gates)
    return CalculationRun(request=request, version=version, gated=gated, result=result)


def aid_calculate(*, data: object, today: datetime.date | None = None) -> dict:
    """The result JSON of INTERFACES section 4 for a calculation request (calculation_run)."""
    return calculation_run(data=data, today=today).result.as_json()


def application_recalculate(application: Application) -> CalculationResult:
    """The amount now: the stored inputs, the application's own policy version, today's history,
    rolls, register and referrals, and the costs the county excluded on review."""
    request = parse_request(
        application.calculation_input,
        today=application.filing_date,
        extra_categories=application_extra_categories(application),
    )
    history = person_history(
        id_number=application.id_number,
        aid_type=application.aid_type,
        year=application.medical_year,
        version=application.policy,
        category=application.category,
        exclude_pk=application.pk,
    )
    gates = request_gates(
        request, application.policy, exclude_application=application, excluded_costs=application.excluded_costs
    ).gates
    return calculate(request, policy_terms(application.policy) if application.policy else None, history, gates)


def calculation_store(application: Application, result: CalculationResult) -> None:
    """Keep a calculation on the application: its JSON, the computed amount, the remaining cost and
    the warning codes the list filters on."""
    application.calculation = result.as_json()
    application.computed_amount = result.amount
    application.remaining_total = result.remaining
    codes = sorted({warning["code"] for warning in result.warnings})
    application.warning_codes = f",{','.join(codes)}," if codes else ""
