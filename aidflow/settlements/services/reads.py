"""Reading settlements and claims is a recorded act: a settlement shows the patient's name, ID number
and diagnosis; a claim's page lists its settlements. Each read waits in the audit's PendingRead and
is sealed into the chain shortly, so readers never queue on the chain's lock."""

from __future__ import annotations

from aidflow.audit.models import AuditAction
from aidflow.audit.services import audit_list_read, audit_read
from aidflow.settlements.models import Settlement, SettlementClaim
from aidflow.settlements.selectors import claim_get, settlement_get


def settlement_view(*, user, pk) -> Settlement:
    """One settlement for its page or the API; who looked is recorded."""
    settlement = settlement_get(user, pk)
    settlement_read(user=user, settlement=settlement)
    return settlement


def settlement_read(*, user, settlement: Settlement) -> None:
    """The settlement was shown (its page, the API, the window's form for its correction)."""
    audit_read(
        actor=user,
        action=AuditAction.SETTLEMENT_VIEWED,
        region=settlement.region,
        details={"settlement": settlement.number, "hospital": settlement.hospital.code},
    )


def claim_view(*, user, pk) -> SettlementClaim:
    """One monthly claim (its page lists each settlement's patient); who looked is recorded."""
    claim = claim_get(user, pk)
    audit_read(
        actor=user,
        action=AuditAction.CLAIM_VIEWED,
        region=claim.county,
        details={"claim": claim.number, "hospital": claim.hospital.code, "count": claim.count},
    )
    return claim


def settlements_listed(*, user, settlements, filters: dict | None = None) -> None:
    """A page of the settlement list (patients' names and ID numbers) was shown."""
    shown = [settlement.number for settlement in settlements]
    audit_list_read(actor=user, list_name="settlements", shown=shown, details={"filters": filters or {}})


def claims_listed(*, user, claims) -> None:
    """A page of the monthly claims was shown."""
    audit_list_read(actor=user, list_name="claims", shown=[claim.number for claim in claims])


def reduction_ledger_read(*, user, hospital, month: str, settlements) -> None:
    """A page of a hospital's reduction ledger (patients' names) was shown."""
    audit_list_read(
        actor=user,
        list_name="reduction_ledger",
        shown=[settlement.number for settlement in settlements],
        details={"hospital": hospital.code, "month": month},
    )
