"""What the case page says of each stay: whether it counts, and if not, why in a few words - the
claim period, the roll, the register of designated hospitals or a missing referral (INTERFACES
section 11) - and where the missing referral is recorded."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from aidflow.policy.models import ReasonCode

# Why a stay does not count, beside its "not counted" badge.
STAY_EXCLUSIONS = {
    ReasonCode.EXPENSE_OUT_OF_WINDOW: _("discharged outside the claim period"),
    ReasonCode.NOT_ON_ROLL: _("not on the roll of this category on any day of the stay"),
    ReasonCode.NOT_DESIGNATED: _("not a designated hospital on the discharge date"),
    ReasonCode.NO_REFERRAL: _("a hospital outside the paying county, without a referral on file"),
}
GATES = (ReasonCode.NOT_ON_ROLL, ReasonCode.NOT_DESIGNATED, ReasonCode.NO_REFERRAL)


def exclusion_of(result: dict, reasons: list[dict]) -> str | None:
    """The code that leaves a stay out; for a calculation stored before stays carried it, the
    claim period, or the one gate its reasons name."""
    if result.get("counted", result.get("in_window", True)):
        return None
    if result.get("excluded"):
        return result["excluded"]
    if not result.get("in_window", True):
        return ReasonCode.EXPENSE_OUT_OF_WINDOW
    gates = {reason.get("code") for reason in reasons} & set(GATES)
    return gates.pop() if len(gates) == 1 else None


def stays_with_verdicts(application) -> list:
    """The application's stays, each with `result` (the calculation's word on it), `excluded` (the
    code), `excluded_text`, `warned` (an insurance warning names it) and, for a stay left out for
    want of a referral, `referral_url`: the referral form filled in from the case."""
    calculation = application.calculation or {}
    results = {item["index"]: item for item in calculation.get("stays", [])}
    reasons = calculation.get("reasons") or []
    warned = {warning.get("stay") for warning in calculation.get("warnings") or []}
    stays = list(application.stays.all())
    for stay in stays:
        stay.result = results.get(stay.index, {})
        stay.excluded = exclusion_of(stay.result, reasons)
        stay.excluded_text = STAY_EXCLUSIONS.get(stay.excluded, "")
        stay.warned = stay.index in warned
        stay.referral_url = ""
        if stay.excluded == ReasonCode.NO_REFERRAL:
            query = urlencode({"application": application.pk, "stay": stay.index})
            stay.referral_url = f"{reverse('workbench:referrals')}?{query}#record"
    return stays
