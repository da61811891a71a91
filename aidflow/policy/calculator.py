"""The medical-aid calculator (POLICY sections 1-3): pure functions on Decimal, no database.

`parse_request` turns request JSON into a CalculationRequest (or InputErrors naming each bad
field); `calculate` applies the one formula to a request, the policy terms and the person's
history, and returns the result JSON of INTERFACES section 4.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from aidflow.cases.identity import ResidentId, parse_resident_id
from aidflow.policy.models import CATEGORY_GROUP, AidType, Category, CategoryGroup
from aidflow.policy.values import MISSING, FieldReader, InputErrors, money_text, rate_text, round_money
from aidflow.regions.codes import normalise_code

ZERO = Decimal("0.00")
ELDERLY_AGE = 60
ADULT_AGE = 18
MAX_STAYS = 50

CATEGORY_NAMES = {
    "dibao": "低保对象",
    "tekun": "特困人员",
    "orphan": "孤儿",
    "child_in_distress": "困境儿童",
    "low_income": "低收入人员",
}
AID_TYPE_NAMES = {"hospitalization": "住院救助", "major_disease": "重特大疾病医疗救助", "outpatient": "门诊救助"}
RESIDENCE_NAMES = {"rural": "农村", "urban": "城市"}


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

    @property
    def remaining(self) -> Decimal:
        """Compliant cost left after every insurance and help: what medical aid may cover."""
        paid = self.basic_insurance + self.serious_illness_insurance + self.other_insurance + self.charity
        return max(ZERO, self.eligible_cost - paid)


@dataclass(frozen=True)
class History:
    """What the person already had for this aid type in this medical year."""

    remaining_before: Decimal = ZERO
    granted_before: Decimal = ZERO


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

    @property
    def category_group(self) -> str:
        return CATEGORY_GROUP[self.category]


@dataclass(frozen=True)
class Rule:
    rate: Decimal
    deductible: Decimal
    annual_cap: Decimal


@dataclass(frozen=True)
class PolicyTerms:
    """The parts of a policy version the formula reads."""

    code: str
    low_income_multiplier: Decimal
    dibao_standard: dict[str, Decimal]
    rules: dict[tuple[str, str], Rule]


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
    reader.boolean(raw, "referral", f"{path}.referral", default=False)
    reader.text(raw, "referral_number", f"{path}.referral_number", required=False, max_length=64)
    if admission and discharge and admission > discharge:
        reader.error(f"{path}.admission_date", _("The admission date is after the discharge date."))
    if discharge and filing_date and discharge > filing_date:
        reader.error(f"{path}.discharge_date", _("The discharge date is after the filing date."))
    # Absent other insurance or charity means none; a bad value has already been reported.
    other = ZERO if other is None else other
    charity = ZERO if charity is None else charity
    if total is not None and eligible is not None and eligible > total:
        reader.error(f"{path}.eligible_cost", _("The compliant cost is larger than the total cost."))
    if None not in (total, basic, serious, other, charity) and basic + serious + other + charity > total:
        reader.error(
            f"{path}.basic_insurance",
            _("The reimbursements together (%(sum)s) are larger than the total cost (%(total)s).")
            % {"sum": money_text(basic + serious + other + charity), "total": money_text(total)},
        )
    if len(reader.errors) > errors_before:
        return None
    return Stay(hospital, level, admission, discharge, total, eligible, basic, serious, other, charity)


def parse_request(data: object, *, today: datetime.date) -> CalculationRequest:
    """Validate a calculation request (INTERFACES section 4); InputErrors names every bad field."""
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
    category = reader.choice(data, "category", "category", Category.values)
    aid_type = reader.choice(data, "aid_type", "aid_type", AidType.values)

    patient = reader.obj(data, "patient", "patient")
    resident = None
    severely_disabled = seriously_ill = False
    if patient is not None:
        id_number = reader.text(patient, "id_number", "patient.id_number", max_length=18)
        if id_number is not None:
            try:
                resident = parse_resident_id(id_number, today=today)
            except ValidationError as error:
                reader.error("patient.id_number", " ".join(error.messages))
        severely_disabled = reader.boolean(patient, "severely_disabled", "patient.severely_disabled", default=False)
        seriously_ill = reader.boolean(patient, "seriously_ill", "patient.seriously_ill", default=False)

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
    )


def medical_year(request: CalculationRequest) -> int:
    """The calendar year of the claimable stays' discharge; the filing year when none is claimable."""
    years = {stay.discharge_date.year for stay in request.stays if in_window(stay.discharge_date, request.filing_date)}
    return years.pop() if len(years) == 1 else request.filing_date.year


def _reason(code: str, message: str) -> dict:
    return {"code": code, "message": message}


def _qualifying_conditions(request: CalculationRequest) -> list[str]:
    age = request.patient.age_on(request.filing_date)
    conditions = []
    if age >= ELDERLY_AGE:
        conditions.append(f"申请日年满{age}周岁，属老年人")
    elif age < ADULT_AGE:
        conditions.append(f"申请日{age}周岁，属未成年人")
    if request.severely_disabled:
        conditions.append("重度残疾人")
    if request.seriously_ill:
        conditions.append("重病患者")
    return conditions


def _stay_line(index: int, stay: Stay, several: bool) -> str:
    parts = [f"合规费用 {money_text(stay.eligible_cost)}", f"基本医保 {money_text(stay.basic_insurance)}"]
    parts.append(f"大病保险 {money_text(stay.serious_illness_insurance)}")
    if stay.other_insurance:
        parts.append(f"其他保险 {money_text(stay.other_insurance)}")
    if stay.charity:
        parts.append(f"慈善及社会帮扶 {money_text(stay.charity)}")
    line = " - ".join(parts) + f" = {money_text(stay.remaining)}"
    if several:
        line = f"第{index + 1}次住院（{stay.hospital}，{stay.discharge_date.isoformat()}出院）：" + line
    return line


def calculate(request: CalculationRequest, terms: PolicyTerms | None, history: History) -> dict:
    """Apply POLICY section 3's one formula; returns the result JSON of INTERFACES section 4."""
    group = request.category_group
    reasons: list[dict] = []
    explanation: list[str] = []
    eligible = True
    year = medical_year(request)
    several = len(request.stays) > 1

    # Each stay: what remains after insurance and help, and whether it is within the time window.
    stays_out = []
    total_remaining = ZERO
    excluded = []
    for index, stay in enumerate(request.stays):
        window = in_window(stay.discharge_date, request.filing_date)
        stays_out.append({"index": index, "remaining": money_text(stay.remaining), "in_window": window})
        explanation.append(_stay_line(index, stay, several))
        if window:
            total_remaining += stay.remaining
        else:
            excluded.append(index)
            explanation.append(
                f"第{index + 1}次住院于 {stay.discharge_date.isoformat()} 出院，超出救助时限"
                f"（当年费用当年救助，上年第四季度费用可在本年第一季度申请），不予计入"
            )
    if excluded:
        reasons.append(
            _reason(
                "EXPENSE_OUT_OF_WINDOW",
                _("Stays %(stays)s are outside the claim period and do not count.")
                % {"stays": ", ".join(str(index + 1) for index in excluded)},
            )
        )
        if len(excluded) == len(request.stays):
            eligible = False
    if several:
        explanation.append(f"可计入的剩余合规费用合计 {money_text(total_remaining)}")

    rule = None
    policy_out = None
    if terms is None:
        eligible = False
        reasons.insert(0, _reason("NO_POLICY", _("No medical-aid policy applies to this region on the filing date.")))
        explanation.append("该地区在申请日没有适用的医疗救助政策")
    else:
        rule = terms.rules.get((group, request.aid_type))
        policy_out = {
            "code": terms.code,
            "category_group": group,
            "aid_type": request.aid_type,
            "rate": rate_text(rule.rate) if rule else None,
            "deductible": money_text(rule.deductible) if rule else None,
            "annual_cap": money_text(rule.annual_cap) if rule else None,
        }
        category_line = f"救助类别：{CATEGORY_NAMES[request.category]}，{AID_TYPE_NAMES[request.aid_type]}"
        if rule is None:
            eligible = False
            reasons.insert(
                0,
                _reason(
                    "RULE_NOT_CONFIGURED",
                    _("The county has not set a rule for %(group)s / %(type)s in policy %(code)s.")
                    % {"group": group, "type": request.aid_type, "code": terms.code},
                ),
            )
            explanation.append(f"{category_line}；政策 {terms.code} 未规定该类救助标准，由县级民政部门会同财政部门确定")
        else:
            explanation.append(
                f"{category_line}；依据政策 {terms.code}：救助比例 {_percent(rule.rate)}，"
                f"年度起付线 {money_text(rule.deductible)}，年度封顶线 {money_text(rule.annual_cap)}"
            )

        if group == CategoryGroup.LOW_INCOME:
            standard = terms.dibao_standard[request.residence]
            limit = terms.low_income_multiplier * standard
            per_capita = request.monthly_income / request.household_size
            comparison = (
                f"家庭月收入 {money_text(request.monthly_income)} ÷ {request.household_size} 人 = "
                f"人均 {money_text(per_capita)}；{RESIDENCE_NAMES[request.residence]}低保标准 {money_text(standard)} × "
                f"{format(terms.low_income_multiplier.normalize(), 'f')} = {money_text(limit)}"
            )
            # Compare the household total with limit x size: exact, no rounding of the per-capita figure.
            if request.monthly_income > limit * request.household_size:
                eligible = False
                reasons.append(
                    _reason(
                        "INCOME_ABOVE_LIMIT",
                        _("Per-capita monthly income %(income)s is above the limit %(limit)s.")
                        % {"income": money_text(per_capita), "limit": money_text(limit)},
                    )
                )
                explanation.append(comparison + "，人均收入高于限额，不符合低收入人员条件")
            else:
                explanation.append(comparison + "，人均收入不高于限额")
            conditions = _qualifying_conditions(request)
            if conditions:
                explanation.append("救助条件：" + "；".join(conditions))
            else:
                eligible = False
                reasons.append(
                    _reason(
                        "NO_QUALIFYING_CONDITION",
                        _("The patient is not elderly, a minor, severely disabled or seriously ill."),
                    )
                )
                explanation.append(
                    f"申请日{request.patient.age_on(request.filing_date)}周岁，"
                    "不属于老年人、未成年人、重度残疾人或重病患者"
                )

    remaining_before, granted_before = history.remaining_before, history.granted_before
    deductible_left = max(ZERO, rule.deductible - remaining_before) if rule else ZERO
    amount = ZERO
    if eligible and rule is not None:
        base = max(ZERO, total_remaining - deductible_left)
        cap_left = max(ZERO, rule.annual_cap - granted_before)
        by_rate = rule.rate * base
        amount = round_money(min(cap_left, by_rate))
        if remaining_before or granted_before:
            explanation.append(
                f"{year}年度此前已计入剩余费用 {money_text(remaining_before)}，已获救助 {money_text(granted_before)}"
            )
        if rule.deductible:
            left = money_text(deductible_left)
            explanation.append(
                f"起付线剩余 {money_text(rule.deductible)} - {money_text(remaining_before)} = {left}"
                if remaining_before
                else f"起付线剩余 {left}"
            )
            explanation.append(
                f"超过起付线部分 = {money_text(total_remaining)} - {money_text(deductible_left)} = {money_text(base)}"
            )
        explanation.append(
            f"救助金额 = min(封顶线剩余 {money_text(cap_left)}，{money_text(base)} × {_percent(rule.rate)} = "
            f"{money_text(by_rate)}) = {money_text(amount)} 元"
        )
        if total_remaining == 0:
            reasons.append(_reason("NOTHING_REMAINING", _("Nothing remains after insurance and other help.")))
        elif base == 0:
            reasons.append(
                _reason(
                    "BELOW_DEDUCTIBLE",
                    _("The remaining cost %(remaining)s does not exceed the deductible left %(left)s.")
                    % {"remaining": money_text(total_remaining), "left": money_text(deductible_left)},
                )
            )
        if cap_left < by_rate:
            reasons.append(
                _reason(
                    "CAP_REACHED",
                    _("The annual cap limits the amount to %(amount)s.") % {"amount": money_text(cap_left)},
                )
            )
    elif not eligible:
        explanation.append("不符合救助条件，救助金额 0.00 元")

    return {
        "eligible": eligible,
        "amount": money_text(amount),
        "medical_year": year,
        "remaining": money_text(total_remaining),
        "deductible_left": money_text(deductible_left),
        "granted_before": money_text(granted_before),
        "policy": policy_out,
        "stays": stays_out,
        "reasons": reasons,
        "explanation": explanation,
    }


def _percent(rate: Decimal) -> str:
    return format((rate * 100).normalize(), "f") + "%"
