"""Reversing a settlement made in error at the window, while no claim holds it (INTERFACES section 8)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aidflow.audit.models import AuditAction
from aidflow.audit.services import audit_record
from aidflow.cases.services.ledger import ledger_settlement_remove
from aidflow.core.errors import ActionForbidden, Conflict
from aidflow.core.fields import FieldReader, money_text
from aidflow.settlements.models import Settlement, SettlementStatus
from aidflow.settlements.services.window import clerk_hospital


def settlement_reverse(*, user, settlement: Settlement, reason: object) -> Settlement:
    """Undo a settlement made in error, while no claim holds it: it stops counting in the history
    and its stay may be claimed again."""
    hospital = clerk_hospital(user)
    if settlement.hospital_id != hospital.pk:
        raise ActionForbidden(_("Only the hospital that settled may reverse a settlement."))
    reader = FieldReader()
    text = reader.text({"reason": reason}, "reason", "reason", max_length=500)
    reader.raise_if_any()
    with transaction.atomic():
        settlement = Settlement.objects.select_for_update().get(pk=settlement.pk)
        if settlement.status != SettlementStatus.SETTLED or settlement.claim_id is not None:
            raise Conflict(
                {
                    "status": [
                        _("Only a settlement not yet in a claim can be reversed; this one is %(status)s.")
                        % {"status": settlement.get_status_display()}
                    ]
                }
            )
        stay_claim = settlement.stay_claim
        settlement.status = SettlementStatus.REVERSED
        settlement.ended_at = timezone.now()
        settlement.ended_by = user
        settlement.end_reason = text
        settlement.stay_claim = None
        settlement.save(update_fields=["status", "ended_at", "ended_by", "end_reason", "stay_claim"])
        if stay_claim is not None:
            stay_claim.delete()
        ledger_settlement_remove(settlement.number)
        audit_record(
            actor=user,
            action=AuditAction.SETTLEMENT_REVERSED,
            region=settlement.region,
            details={"number": settlement.number, "reason": text, "amount": money_text(settlement.amount)},
        )
    return settlement
