"""What the settlement screens ask to confirm: a reversal (which settlement, how much) and a claim's
review (what is paid and what refused), see aidflow/core/confirmation.py."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from aidflow.core.confirmation import Confirmation
from aidflow.core.fields import money_text
from aidflow.settlements.models import RefusalCode


def yuan(amount) -> str:
    return _("%(amount)s yuan") % {"amount": money_text(amount)}


def settlements_text(count: int, amount) -> str:
    return ngettext("%(count)d settlement, %(amount)s", "%(count)d settlements, %(amount)s", count) % {
        "count": count,
        "amount": yuan(amount),
    }


def reversal_confirmation(settlement, reason: str) -> Confirmation:
    return Confirmation(
        title=_("Reverse this settlement?"),
        lead=_(
            "The aid stops counting in the patient's history and the stay may be settled again; "
            "a reversed settlement cannot be restored."
        ),
        facts=[
            (_("Settlement number"), settlement.number),
            (_("Patient"), settlement.name),
            (_("Medical aid"), yuan(settlement.amount)),
            (_("Reason"), reason),
        ],
        action=_("Reverse %(amount)s") % {"amount": yuan(settlement.amount)},
        back="reverse",
        opener="reverse-submit",
        danger=True,
    )


def refusal_facts(counts: dict) -> list[tuple[str, str]]:
    """One line per refused settlement: who, how much, refused as what, and why."""
    facts = []
    for refusal in counts.get("refusals", []):
        settlement = refusal["settlement"]
        lines = [
            f"{settlement.name} · {yuan(settlement.amount)}",
            str(RefusalCode(refusal["code"]).label),
            _("Reason: %(reason)s") % {"reason": refusal["reason"]},
        ]
        facts.append((settlement.number, "\n".join(lines)))
    return facts


def review_confirmation(claim, counts: dict, reasons: str) -> Confirmation:
    facts = [(_("Claim"), claim.number), (_("Hospital"), claim.hospital.name)]
    if counts["decision"] == "reject":
        facts += [
            (_("Refused"), settlements_text(counts["refused"], counts["refused_amount"])),
            (_("Reasons"), reasons),
            *refusal_facts(counts),
        ]
        return Confirmation(
            title=_("Reject the whole claim?"),
            lead=_(
                "No settlement of this claim is paid; they stop counting in the patients' history. "
                "A review cannot be changed."
            ),
            facts=facts,
            action=_("Reject the claim"),
            back="claim-review",
            opener="claim-reject",
            danger=True,
        )
    facts.append((_("Approved and paid"), settlements_text(counts["approved"], counts["approved_amount"])))
    if counts["refused"]:
        facts.append((_("Refused"), settlements_text(counts["refused"], counts["refused_amount"])))
        if reasons:
            facts.append((_("Reasons"), reasons))
        facts += refusal_facts(counts)
    return Confirmation(
        title=_("Approve this claim?"),
        lead=_(
            "The approved amount becomes payable to the hospital; refused settlements stop counting in "
            "the patients' history. A review cannot be changed."
        ),
        facts=facts,
        action=_("Approve %(amount)s") % {"amount": yuan(counts["approved_amount"])},
        back="claim-review",
        opener="claim-approve",
    )
