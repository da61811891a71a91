"""The medical-aid calculator (POLICY sections 1-3): pure functions on Decimal, no database.

`calculate` applies the one formula to a parsed request (aidflow.policy.requests), the policy
terms and the person's history, and returns a typed CalculationResult; `as_json()` gives the
result JSON of INTERFACES section 4.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aidflow.core.fields import money_text, rate_text, round_money
from aidflow.policy.models import CATEGORY_GROUP, AidType, CategoryGroup, ReasonCode
from aidflow.policy.requests import (
    ADULT_AGE,
    AID_TYPE_NAMES,
    ELDERLY_AGE,
    RESIDENCE_NAMES,
    ZERO,
    CalculationRequest,
    History,
    PolicyTerms,
    Stay,
    StayGates,
    in_window,
    medical_year,
)


@dataclass(frozen=True)
class Reason:
    """Why the amount is what it is: a stable code for machines and a message for people."""

    code: ReasonCode
    message: str


@dataclass
class CalculationResult:
    """The outcome of one calculation; `as_json()` is the contract's result object."""

    eligible: bool
    amount: Decimal
    medical_year: int
    remaining: Decimal
    deductible_left: Decimal
    granted_before: Decimal
    policy: dict | None
    stays: list[dict]
    reasons: list[Reason] = field(default_factory=list)
    explanation: list[str] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)

    @property
    def reason_codes(self) -> list[str]:
        return [reason.code for reason in self.reasons]

    def as_json(self) -> dict:
        return {
            "eligible": self.eligible,
            "amount": money_text(self.amount),
            "medical_year": self.medical_year,
            "remaining": money_text(self.remaining),
            "deductible_left": money_text(self.deductible_left),
            "granted_before": money_text(self.granted_before),
            "policy": self.policy,
            "stays": self.stays,
            "reasons": [{"code": reason.code, "message": reason.message} for reason in self.reasons],
            "explanation": self.explanation,
            "warnings": self.warnings,
        }


def _reason(code: str, message: str) -> Reason:
    return Reason(code, message)


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
    if stay.hospital_reduction:
        parts.append(f"医院减免 {money_text(stay.hospital_reduction)}")
    if stay.emergency_fund:
        parts.append(f"疾病应急救助 {money_text(stay.emergency_fund)}")
    line = " - ".join(parts) + f" = {money_text(stay.remaining)}"
    if several:
        line = f"第{index + 1}次住院（{stay.hospital}，{stay.discharge_date.isoformat()}出院）：" + line
    return line


def _rule_for(request: CalculationRequest, terms: PolicyTerms, group: str | None):
    """The rule for the person's group and aid type - the county's rule for the uninsured when the
    person is outside basic medical insurance - with the reasons and lines explaining it."""
    category_line = f"救助类别：{terms.category_name(request.category)}，{AID_TYPE_NAMES[request.aid_type]}"
    table = terms.rules if request.insured else terms.uninsured_rules
    rule = table.get((group, request.aid_type))
    if rule is not None:
        lines = [] if request.insured else ["未参加基本医疗保险，适用县级对未参保人员的救助标准"]
        lines.append(
            f"{category_line}；依据政策 {terms.code}：救助比例 {_percent(rule.rate)}，"
            f"年度起付线 {money_text(rule.deductible)}，年度封顶线 {money_text(rule.annual_cap)}"
        )
        return rule, [], lines
    if not request.insured and group == CategoryGroup.LOW_INCOME:
        reason = _reason(
            ReasonCode.NOT_INSURED,
            _("A low-income person must be in basic medical insurance, and the county has no rule for the uninsured."),
        )
        return (
            None,
            [reason],
            [
                f"{category_line}；低收入人员须参加基本医疗保险（四、（一）2.），申请人未参保，县级亦未规定未参保人员的救助标准"
            ],
        )
    reason = _reason(
        ReasonCode.RULE_NOT_CONFIGURED,
        _("The county has not set a rule for %(group)s / %(type)s%(uninsured)s in policy %(code)s.")
        % {
            "group": group,
            "type": request.aid_type,
            "code": terms.code,
            "uninsured": "" if request.insured else _(" for people outside basic medical insurance"),
        },
    )
    who = "" if request.insured else "未参保人员的"
    return (
        None,
        [reason],
        [f"{category_line}；政策 {terms.code} 未规定{who}该类救助标准，由县级民政部门会同财政部门确定"],
    )


GATE_MESSAGES = {
    ReasonCode.NOT_ON_ROLL: gettext_lazy(
        "Stays %(stays)s fall outside every period of the person on the roll of that category."
    ),
    ReasonCode.NOT_DESIGNATED: gettext_lazy(
        "Stays %(stays)s are not at a designated hospital on their discharge date."
    ),
    ReasonCode.NO_REFERRAL: gettext_lazy("Stays %(stays)s are outside the paying county without a referral on file."),
}


def _lowered(stays: tuple[Stay, ...], gates: StayGates, explanation: list[str]) -> tuple[Stay, ...]:
    """The stays with the costs the county found non-compliant taken off their compliant cost."""
    result = []
    for index, stay in enumerate(stays):
        for amount, reason in gates.cost_exclusions.get(index, []):
            lowered = max(ZERO, stay.eligible_cost - amount)
            explanation.append(
                f"第{index + 1}次住院经复核剔除不合规费用 {money_text(amount)}（{reason}），"
                f"合规费用 {money_text(stay.eligible_cost)} - {money_text(amount)} = {money_text(lowered)}"
            )
            stay = replace(stay, eligible_cost=lowered)
        result.append(stay)
    return tuple(result)


def _stays(request: CalculationRequest, gates: StayGates, explanation: list[str]):
    """Each stay: what remains after insurance and help, and whether it counts (within the time
    window and through every gate); returns (stays out, counted stays, total remaining, reasons)."""
    several = len(request.stays) > 1
    stays = _lowered(request.stays, gates, explanation)
    stays_out, counted, reasons = [], [], []
    total_remaining = ZERO
    out_of_window: list[int] = []
    gated: dict[str, list[int]] = {}
    for index, stay in enumerate(stays):
        window = in_window(stay.discharge_date, request.filing_date)
        gate = gates.excluded.get(index)
        counts = window and gate is None
        # Why a stay does not count, for the screens: the claim period, or the gate that left it out.
        excluded = None if counts else str(ReasonCode.EXPENSE_OUT_OF_WINDOW if not window else gate)
        stays_out.append(
            {
                "index": index,
                "remaining": money_text(stay.remaining),
                "in_window": window,
                "counted": counts,
                "excluded": excluded,
            }
        )
        explanation.append(_stay_line(index, stay, several))
        if not window:
            out_of_window.append(index)
            explanation.append(
                f"第{index + 1}次住院于 {stay.discharge_date.isoformat()} 出院，超出救助时限"
                f"（当年费用当年救助，上年第四季度费用可在本年第一季度申请），不予计入"
            )
        elif gate is not None:
            gated.setdefault(gate, []).append(index)
            explanation.append(gates.notes.get(index) or f"第{index + 1}次住院不予计入")
        if counts:
            counted.append(stay)
            total_remaining += stay.remaining
    if out_of_window:
        reasons.append(
            _reason(
                ReasonCode.EXPENSE_OUT_OF_WINDOW,
                _("Stays %(stays)s are outside the claim period and do not count.")
                % {"stays": ", ".join(str(index + 1) for index in out_of_window)},
            )
        )
    for code, indexes in gated.items():
        reasons.append(_reason(code, str(GATE_MESSAGES[code]) % {"stays": ", ".join(str(i + 1) for i in indexes)}))
    return stays_out, counted, total_remaining, reasons


def calculate(
    request: CalculationRequest, terms: PolicyTerms | None, history: History, gates: StayGates | None = None
) -> CalculationResult:
    """Apply POLICY section 3's one formula to the stays that count."""
    gates = gates or StayGates()
    group = terms.group_of(request.category) if terms else CATEGORY_GROUP.get(request.category)
    explanation: list[str] = []
    year = medical_year(request)
    several = len(request.stays) > 1
    stays_out, counted, total_remaining, reasons = _stays(request, gates, explanation)
    # Every stay excluded (out of the window or through a gate): nothing to aid.
    eligible = bool(counted)
    if several:
        explanation.append(f"可计入的剩余合规费用合计 {money_text(total_remaining)}")

    rule = None
    policy_out = None
    if terms is None:
        eligible = False
        no_policy = _("No medical-aid policy applies to this region on the filing date.")
        reasons.insert(0, _reason(ReasonCode.NO_POLICY, no_policy))
        explanation.append("该地区在申请日没有适用的医疗救助政策")
    else:
        rule, rule_reasons, rule_lines = _rule_for(request, terms, group)
        reasons[0:0] = rule_reasons
        explanation.extend(rule_lines)
        eligible = eligible and rule is not None
        policy_out = {
            "code": terms.code,
            "category_group": group,
            "aid_type": request.aid_type,
            "rate": rate_text(rule.rate) if rule else None,
            "deductible": money_text(rule.deductible) if rule else None,
            "annual_cap": money_text(rule.annual_cap) if rule else None,
        }
        if terms.demo:
            policy_out["demo"] = True
            explanation.insert(
                0, f"演示政策：{terms.code} 是尚未经县级民政部门确认的替代政策，本计算仅供演示，不作为救助依据"
            )

        if group == CategoryGroup.LOW_INCOME:
            standard = terms.dibao_standard[request.residence]
            limit = terms.low_income_multiplier * standard
            per_capita = request.monthly_income / request.household_size
            comparison = (
                f"家庭月收入 {money_text(request.monthly_income)} ÷ {request.household_size} 人 = "
                f"人均 {money_text(per_capita)}；{RESIDENCE_NAMES[request.residence]}低保标准 {money_text(standard)}"
                f"{'（演示数值，非本地实际标准）' if terms.dibao_is_demo else ''} × "
                f"{format(terms.low_income_multiplier.normalize(), 'f')} = {money_text(limit)}"
            )
            # Compare the household total with limit x size: exact, no rounding of the per-capita figure.
            if request.monthly_income > limit * request.household_size:
                eligible = False
                reasons.append(
                    _reason(
                        ReasonCode.INCOME_ABOVE_LIMIT,
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
                        ReasonCode.NO_QUALIFYING_CONDITION,
                        _("The patient is not elderly, a minor, severely disabled or seriously ill."),
                    )
                )
                explanation.append(
                    f"申请日{request.patient.age_on(request.filing_date)}周岁，"
                    "不属于老年人、未成年人、重度残疾人或重病患者"
                )

    if (
        request.aid_type == AidType.MAJOR_DISEASE
        and counted
        and not any(stay.serious_illness_insurance > 0 for stay in counted)
    ):
        eligible = False
        reasons.append(
            _reason(
                ReasonCode.NO_SERIOUS_ILLNESS_INSURANCE,
                _("Major-disease aid follows serious-illness insurance, which paid nothing on these stays."),
            )
        )
        explanation.append("重特大疾病医疗救助须在享受大病保险后给予（五、），可计入的住院均未获大病保险报销，不予救助")

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
            reasons.append(_reason(ReasonCode.NOTHING_REMAINING, _("Nothing remains after insurance and other help.")))
        elif base == 0:
            reasons.append(
                _reason(
                    ReasonCode.BELOW_DEDUCTIBLE,
                    _("The remaining cost %(remaining)s does not exceed the deductible left %(left)s.")
                    % {"remaining": money_text(total_remaining), "left": money_text(deductible_left)},
                )
            )
        if cap_left < by_rate:
            reasons.append(
                _reason(
                    ReasonCode.CAP_REACHED,
                    _("The annual cap limits the amount to %(amount)s.") % {"amount": money_text(cap_left)},
                )
            )
    elif not eligible:
        explanation.append("不符合救助条件，救助金额 0.00 元")

    return CalculationResult(
        eligible=eligible,
        amount=amount,
        medical_year=year,
        remaining=total_remaining,
        deductible_left=deductible_left,
        granted_before=granted_before,
        policy=policy_out,
        stays=stays_out,
        reasons=reasons,
        explanation=explanation,
        warnings=list(gates.warnings),
    )


def _percent(rate: Decimal) -> str:
    return format((rate * 100).normalize(), "f") + "%"
