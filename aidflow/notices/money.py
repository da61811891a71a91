"""Amounts in Chinese capital numerals (大写金额), as written on financial and legal documents, and a
case's amount told in plain words."""

from decimal import ROUND_HALF_UP, Decimal

from aidflow.policy.plain_words import amount_in_words

DIGITS = "零壹贰叁肆伍陆柒捌玖"
SMALL_UNITS = ["", "拾", "佰", "仟"]
BIG_UNITS = ["", "万", "亿", "兆"]


def _four_digits(number: int) -> str:
    """0 < number < 10000 -> e.g. 1005 -> 壹仟零伍."""
    text = ""
    zero_pending = False
    for position in range(3, -1, -1):
        digit = number // 10**position % 10
        if digit == 0:
            zero_pending = bool(text)
            continue
        if zero_pending:
            text += "零"
            zero_pending = False
        text += DIGITS[digit] + SMALL_UNITS[position]
    return text


def _integer(number: int) -> str:
    if number == 0:
        return "零"
    groups = []
    while number:
        groups.append(number % 10000)
        number //= 10000
    text = ""
    need_zero = False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            need_zero = bool(text)
            continue
        if text and (need_zero or group < 1000):
            text += "零"
        text += _four_digits(group) + BIG_UNITS[index]
        need_zero = False
    return text


def rmb_capitals(amount: Decimal) -> str:
    """1000.00 -> 壹仟元整; 1234.56 -> 壹仟贰佰叁拾肆元伍角陆分; 1000.05 -> 壹仟元零伍分; 0.50 -> 伍角整."""
    amount = Decimal(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if amount < 0:
        raise ValueError("negative amount")
    cents = int(amount * 100)
    yuan, jiao, fen = cents // 100, cents // 10 % 10, cents % 10
    if cents == 0:
        return "零元整"
    text = _integer(yuan) + "元" if yuan else ""
    if jiao == 0 and fen == 0:
        return text + "整"
    if jiao:
        text += DIGITS[jiao] + "角"
    elif yuan:
        text += "零"
    if fen:
        text += DIGITS[fen] + "分"
    else:
        text += "整"
    return text


def money_figures(amount: Decimal) -> str:
    """1000 -> 1,000.00元"""
    amount = Decimal(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{amount:,.2f}元"


def amount_words(application, stays=None) -> list[str]:
    """How a case's amount was worked out, in the sentences of the 申请审批表 (the formula lines stay on
    the case page); nothing without a calculation."""
    if not application.calculation:
        return []
    stays = list(application.stays.all()) if stays is None else stays
    return amount_in_words(stays=stays, calculation=application.calculation, excluded_costs=application.excluded_costs)
