"""Revoking an approval or a one-stop settlement (INTERFACES section 13): by the county approver of
the case's county, with reasons and the facts; one transaction writes the revocation, its notice
(撤销决定书), the recovery of what was paid, the ledger change and the audit event. The revoked aid
leaves the person's annual history (the history selectors skip revoked items)."""

from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from aidflow.audit.models import AuditAction
from aidflow.audit.services import audit_record
from aidflow.cases.choices import Status
from aidflow.cases.models import Application
from aidflow.cases.selectors import application_get
from aidflow.cases.services.ledger import ledger_application_remove, ledger_settlement_remove
from aidflow.core.errors import ActionForbidden, Conflict
from aidflow.core.fields import FieldReader, money_text
from aidflow.core.numbering import take_next
from aidflow.core.payment import PaymentStatus
from aidflow.notices.revocation import revocation_notice_issue
from aidflow.recoveries.models import (
    DebtorKind,
    Recovery,
    RecoveryCounter,
    Revocation,
    RevocationKind,
)
from aidflow.regions.codes import county_of
from aidflow.regions.models import Role
from aidflow.regions.scope import role_of
from aidflow.reports.disclosure import listed_month
from aidflow.reports.models import DisclosureCorrection
from aidflow.settlements.models import Settlement, SettlementStatus
from aidflow.settlements.selectors import settlement_get

ZERO = Decimal("0.00")


def approver_check(user) -> None:
    if role_of(user) != Role.COUNTY_APPROVER:
        raise ActionForbidden(_("Only the county approver revokes an approval or a settlement."))


def revocation_read(data: object) -> tuple[str, str]:
    """The reasons and the facts, both required; 400 naming each missing one."""
    reader = FieldReader()
    data = data if isinstance(data, dict) else {}
    reasons = reader.text(data, "reasons", "reasons", max_length=2000)
    facts = reader.text(data, "facts", "facts", max_length=4000)
    reader.raise_if_any()
    return reasons, facts


def _refused(message: str) -> Conflict:
    return Conflict({"status": [message]})


def _recovery_create(revocation: Revocation, *, debtor_kind: str, debtor: str, amount: Decimal, hospital=None):
    now = timezone.now()
    serial = take_next(RecoveryCounter, county=revocation.county, year=now.year)
    return Recovery.objects.create(
        number=f"ZH-{revocation.county}-{now.year}-{serial:04d}",
        revocation=revocation,
        county=revocation.county,
        debtor_kind=debtor_kind,
        debtor=debtor,
        hospital=hospital,
        amount=amount,
        outstanding=amount,
        created_at=now,
    )


def _public_correction(*, reference: str, region: str, name: str, category: str, aid_type: str, amount, day):
    """The public list shows the revoked aid as a correction in the month of the revocation; where the
    ledger's listener already recorded one (a signed-off month), nothing more is written."""
    if not amount or DisclosureCorrection.objects.filter(reference=reference, amount__lt=0).exists():
        return
    county = county_of(region)
    DisclosureCorrection.objects.create(
        county=county,
        month=f"{day:%Y-%m}",
        listed_in=listed_month(county, timezone.localdate()),
        reference=reference,
        village=region,
        name=name,
        category=category,
        aid_type=aid_type,
        amount=-Decimal(amount),
        day=day,
    )


def application_revoke(*, user, pk, data: object) -> Revocation:
    """Revoke an approved application's decision. An application waiting at the bank is refused until
    the bank answers (409); a paid one becomes a recovery owed by the payee."""
    approver_check(user)
    application_get(user=user, pk=pk)  # 404 outside the approver's county
    reasons, facts = revocation_read(data)
    try:
        with transaction.atomic():
            application = Application.objects.select_for_update(of=("self",)).select_related("village").get(pk=pk)
            if Revocation.objects.filter(application=application).exists():
                raise _refused(_("This approval has already been revoked."))
            if application.status != Status.APPROVED:
                raise _refused(_("Only an approved application can be revoked."))
            if application.payment_status == PaymentStatus.IN_BATCH:
                raise Conflict({"payment": [_("The aid is with the bank in a payment batch: wait for its result.")]})
            paid = application.payment_lines.filter(status="paid").aggregate(total=Sum("amount"))["total"] or ZERO
            debtor = application.payee_name or application.applicant_name
            notice = revocation_notice_issue(
                application=application, reasons=reasons, facts=facts, paid=paid, debtor=debtor
            )
            revocation = Revocation.objects.create(
                kind=RevocationKind.APPLICATION,
                application=application,
                reference=application.number,
                county=county_of(application.village_id),
                region=application.village_id,
                id_number=application.id_number,
                name=application.patient_full_name,
                reasons=reasons,
                facts=facts,
                amount=application.amount or ZERO,
                paid=paid,
                notice=notice,
                revoked_by=user,
                revoked_at=timezone.now(),
            )
            recovery = None
            if paid > 0:
                recovery = _recovery_create(revocation, debtor_kind=DebtorKind.PAYEE, debtor=debtor, amount=paid)
            ledger_application_remove(application)
            if application.decided_on:
                _public_correction(
                    reference=application.number,
                    region=application.village_id,
                    name=application.patient_full_name,
                    category=application.category,
                    aid_type=application.aid_type,
                    amount=application.amount,
                    day=application.decided_on,
                )
            audit_record(
                actor=user,
                action=AuditAction.APPROVAL_REVOKED,
                application=application,
                details={
                    "number": notice.number,
                    "reasons": reasons,
                    "facts": facts,
                    "amount": money_text(revocation.amount),
                    "paid": money_text(paid),
                    "recovery": recovery.number if recovery else "",
                },
            )
    except IntegrityError:
        raise _refused(_("This approval has already been revoked.")) from None
    return revocation


def settlement_revoke(*, user, pk, data: object) -> Revocation:
    """Revoke a one-stop settlement the county approved in a hospital's claim: the hospital owes its
    aid back, offset against its next claim or repaid."""
    approver_check(user)
    settlement_get(user, pk)  # 404 outside the approver's county
    reasons, facts = revocation_read(data)
    try:
        with transaction.atomic():
            settlement = Settlement.objects.select_for_update(of=("self",)).select_related("hospital").get(pk=pk)
            if Revocation.objects.filter(settlement=settlement).exists():
                raise _refused(_("This settlement has already been revoked."))
            if settlement.status != SettlementStatus.APPROVED:
                raise _refused(
                    _(
                        "Only a settlement the county approved in a claim can be revoked; "
                        "the hospital reverses one not yet claimed, and the claim's review refuses one in a claim."
                    )
                )
            hospital = settlement.hospital
            notice = revocation_notice_issue(
                settlement=settlement, reasons=reasons, facts=facts, paid=settlement.amount, debtor=hospital.name
            )
            revocation = Revocation.objects.create(
                kind=RevocationKind.SETTLEMENT,
                settlement=settlement,
                reference=settlement.number,
                county=settlement.county,
                region=settlement.region,
                id_number=settlement.id_number,
                name=settlement.name,
                reasons=reasons,
                facts=facts,
                amount=settlement.amount,
                paid=settlement.amount,
                notice=notice,
                revoked_by=user,
                revoked_at=timezone.now(),
            )
            recovery = None
            if settlement.amount > 0:
                recovery = _recovery_create(
                    revocation,
                    debtor_kind=DebtorKind.HOSPITAL,
                    debtor=hospital.name,
                    amount=settlement.amount,
                    hospital=hospital,
                )
            ledger_settlement_remove(settlement.number)
            _public_correction(
                reference=settlement.number,
                region=settlement.region,
                name=settlement.name,
                category=settlement.category,
                aid_type=settlement.aid_type,
                amount=settlement.amount,
                day=settlement.discharge_date,
            )
            audit_record(
                actor=user,
                action=AuditAction.SETTLEMENT_REVOKED,
                region=settlement.region,
                details={
                    "settlement": settlement.number,
                    "number": notice.number,
                    "reasons": reasons,
                    "facts": facts,
                    "amount": money_text(settlement.amount),
                    "recovery": recovery.number if recovery else "",
                },
            )
    except IntegrityError:
        raise _refused(_("This settlement has already been revoked.")) from None
    return revocation
