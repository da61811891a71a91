"""The amount explained in plain words for people on paper: what each stay cost, what insurance and
others paid, what was left, the deductible, the rate and the cap - sentences, not formulas.

Read from a stored calculation (the result JSON of INTERFACES section 4) and the stays it was made
from (anything with the cost attributes: a case's HospitalStay, a settlement, a calculator Stay), so
the words always match the amount the case holds. The case page keeps the formula lines.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from types import SimpleNamespace

from aidflow.core.labels import Chinese

ZERO = Decimal("0")
CENT = Decimal("0.01")
COST_FIELDS = (
    "eligible_cost",
    "basic_insurance",
    "serious_illness_insurance",
    "other_insurance",
    "charity",
    "hospital_reduction",
    "emergency_fund",
)
# More stays than this are summed in one clause: the form's table lists each.
FEW_STAYS = 3
# Why there is no aid, for the applicant: by the reason's code, in the label table's Chinese
# (aidflow.core.labels), whatever the language the calculation's messages were written in; below the
# deductible or at the cap, and a code not listed, keep the stored message, which names the amounts.
REASON_WORDS = Chinese("reason")
OWN_MESSAGE = {"BELOW_DEDUCTIBLE", "CAP_REACHED"}
COUNT_WORDS = {1: "一", 2: "两", 3: "三", 4: "四", 5: "五", 6: "六", 7: "七", 8: "八", 9: "九", 10: "十"}


def as_decimal(value) -> Decimal:
    if value is None or value == "":
        return ZERO
    return value if isinstance(value, Decimal) else Decimal(str(value))


def yuan(value) -> str:
    """52000 -> "52,000元"; 1234.5 -> "1,234.50元": thousands marked, cents only when there are any."""
    amount = as_decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
    text = f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"
    return text + "元"


def percent(rate) -> str:
    return format((as_decimal(rate) * 100).normalize(), "f") + "%"


def _paid_parts(stay) -> list[str]:
    parts = []
    for attribute, label in (
        ("basic_insurance", "基本医保已报销"),
        ("serious_illness_insurance", "大病保险"),
        ("other_insurance", "其他保险"),
        ("charity", "慈善及社会帮扶"),
        ("hospital_reduction", "医院减免"),
        ("emergency_fund", "疾病应急救助"),
    ):
        amount = as_decimal(getattr(stay, attribute, ZERO))
        if amount:
            parts.append(f"{label}{yuan(amount)}")
    if parts and not parts[0].startswith("基本医保"):
        parts[0] = "已获" + parts[0]
    return parts


def stay_remaining(stay, cut=ZERO) -> Decimal:
    """What a stay leaves after insurance and help, with `cut` (costs the county found non-compliant)
    taken off its compliant cost first."""
    paid = sum((as_decimal(getattr(stay, name, ZERO)) for name in COST_FIELDS[1:]), ZERO)
    return max(ZERO, as_decimal(stay.eligible_cost) - as_decimal(cut) - paid)


def stay_in_words(stay, remaining=None, *, cut=ZERO, cut_reasons: str = "") -> str:
    """ "合规费用52,000元，基本医保已报销30,000元、大病保险5,000元，剩余17,000元"; with costs excluded
    on review: "合规费用52,000元，经复核剔除不合规费用2,000元（自费药品）后为50,000元，..."."""
    left = stay_remaining(stay, cut) if remaining is None else as_decimal(remaining)
    paid = _paid_parts(stay)
    middle = "、".join(paid) if paid else "未获任何报销或帮扶"
    eligible = as_decimal(stay.eligible_cost)
    text = f"合规费用{yuan(eligible)}"
    if as_decimal(cut):
        because = f"（{cut_reasons}）" if cut_reasons else ""
        text += f"，经复核剔除不合规费用{yuan(cut)}{because}后为{yuan(max(ZERO, eligible - as_decimal(cut)))}"
    return f"{text}，{middle}，剩余{yuan(left)}"


def _cuts(excluded_costs) -> dict[int, tuple[Decimal, str]]:
    """The county's exclusions ([{"stay", "amount", "reason"}]) summed by stay index, reasons joined."""
    cuts: dict[int, tuple[Decimal, list[str]]] = {}
    for item in excluded_costs or []:
        amount, reasons = cuts.get(int(item["stay"]), (ZERO, []))
        cuts[int(item["stay"])] = (amount + as_decimal(item.get("amount")), [*reasons, item.get("reason") or ""])
    return {
        index: (amount, "、".join(reason for reason in reasons if reason)) for index, (amount, reasons) in cuts.items()
    }


def _not_counted(index: int, stay, facts: dict, explanation: list[str]) -> str:
    """Why a stay does not count, as what follows "第N次住院": the claim period, or the calculation's own
    line for the gate that left it out (the roll, the register of designated hospitals, a referral)."""
    if not facts.get("in_window", True):
        discharged = stay.discharge_date.isoformat() if stay.discharge_date else ""
        return f"于{discharged}出院，已超过救助时限，不计入"
    prefix = f"第{index + 1}次住院"
    note = next((line for line in explanation if line.startswith(prefix) and "不予计入" in line), "")
    return note.removeprefix(prefix) or "不计入"


def _stays_in_words(stays: Sequence, calculation: dict, excluded_costs=()) -> tuple[list[str], Decimal, int]:
    """One clause per stay (for more than a few, one clause for the counted stays together); the sum
    of what counts, and how many stays count."""
    stored = {item.get("index"): item for item in calculation.get("stays") or []}
    explanation = calculation.get("explanation") or []
    cuts = _cuts(excluded_costs)
    several = len(stays) > 1
    together = len(stays) > FEW_STAYS
    clauses = []
    counted = []
    total = ZERO
    for index, stay in enumerate(stays):
        facts = stored.get(index, {})
        cut, cut_reasons = cuts.get(index, (ZERO, ""))
        remaining = as_decimal(facts["remaining"]) if "remaining" in facts else stay_remaining(stay, cut)
        name = f"第{index + 1}次住院"
        if facts.get("counted", facts.get("in_window", True)):
            counted.append((stay, cut))
            total += remaining
            if not together:
                words = stay_in_words(stay, remaining, cut=cut, cut_reasons=cut_reasons)
                clauses.append(f"{name}（{stay.hospital}）{words}" if several else words)
            continue
        why = _not_counted(index, stay, facts, explanation)
        if together:
            # The claim period's words name no hospital; a gate's line names it where it matters.
            clauses.append(f"{name}（{stay.hospital}）{why}" if why.startswith("于") else name + why)
        else:
            words = stay_in_words(stay, remaining, cut=cut, cut_reasons=cut_reasons)
            joined = f"，但{why}" if why.startswith("于") else f"，但该次住院{why.lstrip('，')}"
            clauses.append((f"{name}（{stay.hospital}）" if several else "") + words + joined)
    if together and counted:
        summed = SimpleNamespace(
            **{
                name: sum((as_decimal(getattr(stay, name, ZERO)) for stay, _cut in counted), ZERO)
                for name in COST_FIELDS
            }
        )
        cut = sum((cut for _stay, cut in counted), ZERO)
        words = stay_in_words(summed, total, cut=cut)
        clauses.insert(0, f"{_count(len(counted))}次住院（明细见上表）共计{words}")
    return clauses, total, len(counted)


def _count(number: int) -> str:
    return COUNT_WORDS.get(number, str(number))


def _deductible_sentence(total: Decimal, deductible: Decimal, left: Decimal, base: Decimal, rate: str) -> str:
    # Below the deductible the case is approved at 0 (its costs count toward the deductible): the words
    # give the amount, never "不予救助", which an approval notice would contradict.
    if not deductible:
        return f"剩余费用{yuan(total)}按{rate}救助"
    if left >= deductible:
        if base == 0:
            return f"剩余费用{yuan(total)}未超过年度起付线{yuan(deductible)}"
        return f"扣除年度起付线{yuan(deductible)}后的{yuan(base)}按{rate}救助"
    if left == 0:
        return f"本年度起付线{yuan(deductible)}此前已经扣满，剩余{yuan(total)}全部按{rate}救助"
    used = deductible - left
    if base == 0:
        return f"本年度此前已扣起付线{yuan(used)}，起付线还剩{yuan(left)}，剩余费用{yuan(total)}未超过"
    return f"本年度此前已扣起付线{yuan(used)}，起付线还剩{yuan(left)}，扣除后的{yuan(base)}按{rate}救助"


def amount_in_words(*, stays: Sequence, calculation: dict, excluded_costs=()) -> list[str]:
    """The calculation as a few sentences (the last one says the amount); `excluded_costs` are the
    county's findings on review ([{"stay", "amount", "reason"}]), already in the stored remaining."""
    clauses, total, counted = _stays_in_words(stays, calculation, excluded_costs)
    sentences = ["；".join(clauses) + "。"] if clauses else []
    if 1 < counted <= FEW_STAYS:
        sentences.append(f"{_count(counted)}次住院可计入的剩余费用合计{yuan(total)}。")
    amount = as_decimal(calculation.get("amount"))
    policy = calculation.get("policy") or {}
    if not calculation.get("eligible"):
        found = calculation.get("reasons") or []
        reasons = "；".join(
            reason.get("message", "")
            if reason.get("code") in OWN_MESSAGE or reason.get("code") not in REASON_WORDS
            else REASON_WORDS[reason["code"]]
            for reason in found
        )
        because = f"（{reasons}）" if reasons else ""
        sentences.append(f"按政策计算不符合救助条件{because}，救助金额0元。")
        return sentences
    rate_value = as_decimal(policy.get("rate"))
    rate = percent(rate_value)
    deductible = as_decimal(policy.get("deductible"))
    left = as_decimal(calculation.get("deductible_left"))
    base = max(ZERO, total - left)
    by_rate = (base * rate_value).quantize(CENT, rounding=ROUND_HALF_UP)
    sentence = _deductible_sentence(total, deductible, left, base, rate)
    cap = as_decimal(policy.get("annual_cap"))
    granted = as_decimal(calculation.get("granted_before"))
    if base == 0:
        sentences.append(f"{sentence}，救助金额0元。")
    elif cap and by_rate > amount:
        if granted:
            sentences.append(
                f"{sentence}，应为{yuan(by_rate)}；但年度封顶线{yuan(cap)}，本年度已获救助{yuan(granted)}，"
                f"只剩{yuan(amount)}，救助金额{yuan(amount)}。"
            )
        else:
            sentences.append(f"{sentence}，应为{yuan(by_rate)}，超过年度封顶线{yuan(cap)}，救助金额{yuan(amount)}。")
    else:
        history = f"（本年度此前已获救助{yuan(granted)}，未超过年度封顶线{yuan(cap)}）" if granted else ""
        sentences.append(f"{sentence}，救助金额{yuan(amount)}{history}。")
    return sentences


def income_in_words(
    *, monthly_income, size: int, residence_name: str, standard, multiplier, standard_is_demo: bool = False
) -> str:
    """The low-income test in words: per-capita income against the multiple of the local minimum
    (a policy file's made-up standard labelled as such wherever it is used)."""
    per_capita = (as_decimal(monthly_income) / size).quantize(CENT, rounding=ROUND_HALF_UP) if size else ZERO
    limit = (as_decimal(standard) * as_decimal(multiplier)).quantize(CENT, rounding=ROUND_HALF_UP)
    times = format(as_decimal(multiplier).normalize(), "f")
    verdict = "不高于" if as_decimal(monthly_income) <= limit * size else "高于"
    return (
        f"家庭月收入{yuan(monthly_income)}，{size}口人，人均{yuan(per_capita)}，"
        f"{verdict}{residence_name}低保标准{yuan(standard)}"
        f"{'（演示数值，非本地实际标准）' if standard_is_demo else ''}的{times}倍（{yuan(limit)}）。"
    )
