"""A calculation request (INTERFACES section 4) read from JSON into typed values, and the claim
window rules (POLICY section 2): which stays count and in which medical year."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from aidflow.core.errors import InputErrors
from aidflow.core.fields import MISSING, FieldReader, money_text
from aidflow.core.identity import ResidentId, parse_resident_id
from aidflow.core.labels import Chinese
from aidflow.policy.models import CATEGORY_GROUP, AidType, Category
from aidflow.regions.codes import normalise_code

ZERO = Decimal("0.00")
ELDERLY_AGE = 60
ADULT_AGE = 18
MAX_STAYS = 50
# A capital letter, two digits, then optionally a dot and up to 8 letters or digits (C34.9, C34.900x001).
ICD10 = re.compile(r"^[A-Z][0-9]{2}(\.[A-Za-z0-9]{1,8})?$")

# Chinese whatever the request's language: the calculation's explanation is stored in Chinese.
CATEGORY_NAMES = Chinese("category")
AID_TYPE_NAMES = Chinese("aid_type")
RESIDENCE_NAMES = Chinese("residence")


@dataclass(frozen=True)
class Stay:
    hospital: str
    hospital_level: int
    admission_date: datetime.date
    discharge_date: datetime.date
    total_cost: Decimal
    eligible_cost: Decimal
    basic_insurance: Decimal
    serious_illness_insurance: Decimal
    other_insurance: Decimal
    charity: Decimal
    diagnosis: str = ""
    icd10: str = ""
    hospital_code: str = ""
    # The hospital's own reduction (减免) and the emergency fund (疾病应急救助): they pay before
    # medical aid, like charity (POLICY section 9); absent in older inputs, so 0 by default.
    hospital_reduction: Decimal = ZERO
    emergency_fund: Decimal = ZERO

    @property
    def paid_by_others(self) -> Decimal:
        """Everything paid before medical aid: insurance, charity, the reduction, the emergency fund."""
        return (
            self.basic_insurance
            + self.serious_illness_insurance
            + self.other_insurance
            + self.charity
            + self.hospital_reduction
            + self.emergency_fund
        )

    @property
    def remaining(self) -> Decimal:
        """Compliant cost left after every insurance and help: what medical aid may cover."""
        return max(ZERO, self.eligible_cost - self.paid_by_others)


@dataclass(frozen=True)
class History:
    """What the person already had for this aid type in this medical year."""

    remaining_before: Decimal = ZERO
    granted_before: Decimal = ZERO


@dataclass(frozen=True)
class StayGates:
    """What the database says about the stays beyond their own figures (INTERFACES section 11):
    stays that do not count and why (`excluded`: index -> NOT_ON_ROLL, NOT_DESIGNATED or
    NO_REFERRAL, with a line for the explanation), costs the county found non-compliant on review
    (`cost_exclusions`: index -> [(amount, reason)]), and warnings for the reviewer."""

    excluded: dict[int, str] = field(default_factory=dict)
    notes: dict[int, str] = field(default_factory=dict)
    cost_exclusions: dict[int, list[tuple[Decimal, str]]] = field(default_factory=dict)
    warnings: list[dict] = field(default_factory=list)


@dataclass(frozen=True)
class CalculationRequest:
    region: str
    filing_date: datetime.date
    category: str
    aid_type: str
    patient: ResidentId
    severely_disabled: bool
    seriously_ill: bool
    household_size: int
    monthly_income: Decimal
    residence: str
    stays: tuple[Stay, ...]
    history: History | None
    # In basic medical insurance (参保); low-income aid requires it (seed 002 line ~1766).
    insured: bool = True


@dataclass(frozen=True)
class Rule:
    rate: Decimal
    deductible: Decimal
    annual_cap: Decimal
    basis: str = ""


@dataclass(frozen=True)
class PolicyTerms:
    """The parts of a policy version the formula reads."""

    code: str
    low_income_multiplier: Decimal
    dibao_standard: dict[str, Decimal]
    # (group, aid type) -> the rule for the insured; `uninsured_rules` for people outside insurance.
    rules: dict[tuple[str, str], Rule]
    uninsured_rules: dict[tuple[str, str], Rule] = field(default_factory=dict)
    # County-defined categories (code -> group) and their names.
    extra_groups: dict[str, str] = field(default_factory=dict)
    extra_names: dict[str, str] = field(default_factory=dict)
    demo: bool = False
    title: str = ""
    # The file's minimum-living standards are made-up demo values (labelled wherever they are used).
    dibao_is_demo: bool = False

    def group_of(self, category: str) -> str | None:
        return CATEGORY_GROUP.get(category) or self.extra_groups.get(category)

    def category_name(self, category: str) -> str:
        return CATEGORY_NAMES.get(category) or self.extra_names.get(category, category)


def in_window(discharge_date: datetime.date, filing_date: datetime.date) -> bool:
    """Claimable: discharged in the filing year, or in Q4 of the previous year when filed in Q1."""
    if discharge_date.year == filing_date.year:
        return True
    return discharge_date.year == filing_date.year - 1 and discharge_date.month >= 10 and filing_date.month <= 3


def _read_stay(reader: FieldReader, raw: object, path: str, filing_date: datetime.date | None) -> Stay | None:
    if not isinstance(raw, dict):
        reader.error(path, _("Must be an object."))
        return None
    errors_before = len(reader.errors)
    hospital = reader.text(raw, "hospital", f"{path}.hospital", max_length=200)
    level = reader.integer(raw, "hospital_level", f"{path}.hospital_level", minimum=1, maximum=3)
    admission = reader.date(raw, "admission_date", f"{path}.admission_date")
    discharge = reader.date(raw, "discharge_date", f"{path}.discharge_date")
    total = reader.money(raw, "total_cost", f"{path}.total_cost")
    eligible = reader.money(raw, "eligible_cost", f"{path}.eligible_cost")
    basic = reader.money(raw, "basic_insurance", f"{path}.basic_insurance")
    serious = reader.money(raw, "serious_illness_insurance", f"{path}.serious_illness_insurance")
    other = reader.money(raw, "other_insurance", f"{path}.other_insurance", required=False)
    charity = reader.money(raw, "charity", f"{path}.charity", required=False)
    reduction = reader.money(raw, "hospital_reduction", f"{path}.hospital_reduction", required=False)
    emergency = reader.money(raw, "emergency_fund", f"{path}.emergency_fund", required=False)
    diagnosis = reader.text(raw, "diagnosis", f"{path}.diagnosis", required=False, max_length=200) or ""
    icd10 = reader.text(raw, "icd10", f"{path}.icd10", required=False, max_length=20) or ""
    if icd10 and not ICD10.match(icd10):
        reader.error(
            f"{path}.icd10", _("%(code)r is not an ICD-10 code such as C34.9 or C34.900x001.") % {"code": icd10}
        )
    hospital_code = reader.text(raw, "hospital_code", f"{path}.hospital_code", required=False, max_length=30)
    reader.boolean(raw, "referral", f"{path}.referral", default=False)
    reader.text(raw, "referral_number", f"{path}.referral_number", required=False, max_length=64)
    if admission and discharge and admission > discharge:
        reader.error(f"{path}.admission_date", _("The admission date is after the discharge date."))
    if discharge and filing_date and discharge > filing_date:
        reader.error(f"{path}.discharge_date", _("The discharge date is after the filing date."))
    # Absent other insurance, charity, reduction or emergency fund means none; a bad value has
    # already been reported.
    other = ZERO if other is None else other
    charity = ZERO if charity is None else charity
    reduction = ZERO if reduction is None else reduction
    emergency = ZERO if emergency is None else emergency
    if total is not None and eligible is not None and eligible > total:
        reader.error(f"{path}.eligible_cost", _("The compliant cost is larger than the total cost."))
    if None not in (total, basic, serious, other, charity) and basic + serious + other + charity > total:
        reader.error(
            f"{path}.basic_insurance",
            _("The reimbursements together (%(sum)s) are larger than the total cost (%(total)s).")
            % {"sum": money_text(basic + serious + other + charity), "total": money_text(total)},
        )
    else:
        _others_check(reader, path, total, basic, serious, other, charity, reduction, emergency)
    if len(reader.errors) > errors_before:
        return None
    return Stay(
        hospital,
        level,
        admission,
        discharge,
        total,
        eligible,
        basic,
        serious,
        other,
        charity,
        diagnosis=diagnosis,
        icd10=icd10,
        hospital_code=hospital_code or "",
        hospital_reduction=reduction,
        emergency_fund=emergency,
    )


def _others_check(reader: FieldReader, path: str, total, *paid) -> None:
    """The reduction and the emergency fund with the reimbursements may not exceed the total cost;
    the message names the emergency fund when it alone exceeds the total or there is no reduction,
    else the reduction."""
    if None in (total, *paid):
        return
    reduction, emergency = paid[-2:]
    if sum(paid, ZERO) <= total:
        return
    name = "emergency_fund" if emergency > total or not reduction else "hospital_reduction"
    reader.error(
        f"{path}.{name}",
        _(
            "The reimbursements, the hospital's reduction and the emergency fund together (%(sum)s) are larger than "
            "the total cost (%(total)s)."
        )
        % {"sum": money_text(sum(paid, ZERO)), "total": money_text(total)},
    )


def parse_request(data: object, *, today: datetime.date, extra_categories: Iterable[str] = ()) -> CalculationRequest:
    """Validate a calculation request (INTERFACES section 4); InputErrors names every bad field.

    `extra_categories` are the county-defined categories that may be used besides the built-in ones
    (those of the policy versions that apply).
    """
    if not isinstance(data, dict):
        raise InputErrors({"body": [_("The request is a JSON object.")]})
    reader = FieldReader()
    region = reader.text(data, "region", "region", max_length=12)
    if region is not None:
        try:
            region = normalise_code(region)
        except ValidationError as error:
            reader.error("region", " ".join(error.messages))
    filing_date = reader.date(data, "filing_date", "filing_date", required=False)
    if "filing_date" not in data or data["filing_date"] is None:
        filing_date = today
    elif filing_date and filing_date > today:
        reader.error("filing_date", _("The filing date is in the future."))
        filing_date = None
    category = reader.choice(data, "category", "category", [*Category.values, *extra_categories])
    aid_type = reader.choice(data, "aid_type", "aid_type", AidType.values)

    patient = reader.obj(data, "patient", "patient")
    resident = None
    severely_disabled = seriously_ill = False
    insured = True
    if patient is not None:
        id_number = reader.text(patient, "id_number", "patient.id_number", max_length=18)
        if id_number is not None:
            try:
                resident = parse_resident_id(id_number, today=today)
            except ValidationError as error:
                reader.error("patient.id_number", " ".join(error.messages))
        severely_disabled = reader.boolean(patient, "severely_disabled", "patient.severely_disabled", default=False)
        seriously_ill = reader.boolean(patient, "seriously_ill", "patient.seriously_ill", default=False)
        insured = reader.boolean(patient, "insured", "patient.insured", default=True)

    household = reader.obj(data, "household", "household")
    size = income = residence = None
    if household is not None:
        size = reader.integer(household, "size", "household.size", minimum=1, maximum=50)
        income = reader.money(household, "monthly_income", "household.monthly_income")
        residence = reader.choice(household, "residence", "household.residence", ["rural", "urban"])

    stays: list[Stay] = []
    raw_stays = reader.get(data, "stays", "stays")
    if isinstance(raw_stays, list):
        if not raw_stays:
            reader.error("stays", _("At least one hospital stay is required."))
        elif len(raw_stays) > MAX_STAYS:
            reader.error("stays", _("At most %(count)d stays per application.") % {"count": MAX_STAYS})
        else:
            for index, raw in enumerate(raw_stays):
                stay = _read_stay(reader, raw, f"stays[{index}]", filing_date)
                if stay is not None:
                    stays.append(stay)
    elif raw_stays is not MISSING:
        reader.error("stays", _("Must be a list of hospital stays."))

    history = None
    raw_history = reader.obj(data, "history", "history", required=False)
    if raw_history is not None:
        remaining_before = reader.money(raw_history, "remaining_before", "history.remaining_before")
        granted_before = reader.money(raw_history, "granted_before", "history.granted_before")
        if remaining_before is not None and granted_before is not None:
            history = History(remaining_before, granted_before)

    if filing_date and stays and isinstance(raw_stays, list) and len(stays) == len(raw_stays):
        years = {stay.discharge_date.year for stay in stays if in_window(stay.discharge_date, filing_date)}
        if len(years) > 1:
            reader.error(
                "stays",
                _(
                    "The claimable stays belong to two medical years (%(years)s): a stay counts toward the year "
                    "of its discharge. File one application per medical year."
                )
                % {"years": ", ".join(str(year) for year in sorted(years))},
            )

    reader.raise_if_any()
    return CalculationRequest(
        region=region,
        filing_date=filing_date,
        category=category,
        aid_type=aid_type,
        patient=resident,
        severely_disabled=severely_disabled,
        seriously_ill=seriously_ill,
        household_size=size,
        monthly_income=income,
        residence=residence,
        stays=tuple(stays),
        history=history,
        insured=insured,
    )


def medical_year(request: CalculationRequest) -> int:
    """The calendar year of the claimable stays' discharge; the filing year when none is claimable."""
    years = {stay.discharge_date.year for stay in request.stays if in_window(stay.discharge_date, request.filing_date)}
    return years.pop() if len(years) == 1 else request.filing_date.year
