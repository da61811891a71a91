"""Making a payment batch: every approved application, approved settlement claim and confirmed
premium subsidy roster of one county that is neither paid nor waiting in a batch; items without an
account are skipped with the reason. The candidates are locked, and the database refuses a second
live line for an item, so two batches made at the same moment never share a line."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from aidflow.audit.models import AuditAction
from aidflow.audit.services import audit_record
from aidflow.cases.choices import NotificationKind, Status
from aidflow.cases.models import Application, StageRecord
from aidflow.cases.services.staff_alerts import staff_notify
from aidflow.core.errors import ActionForbidden, Conflict, InputErrors, NotFound
from aidflow.core.fields import money_text
from aidflow.core.numbering import take_next
from aidflow.core.payment import PAYABLE, PaymentStatus
from aidflow.payments.models import BatchStatus, LineKind, PaymentBatch, PaymentCounter, PaymentLine
from aidflow.recoveries.services.offsets import claim_offsets, offsets_record
from aidflow.regions.codes import county_read
from aidflow.regions.models import Role
from aidflow.regions.scope import in_scope, role_of
from aidflow.settlements.models import ClaimStatus, SettlementClaim
from aidflow.subsidies.models import PremiumRoster, RosterStatus
from aidflow.subsidies.services import roster_payable_amount

ZERO = Decimal("0.00")
# A skipped claim's key for the offset that settles it in full (never stored with the batch).
OFFSET_KEY = "_offset"
PAY_PERMISSION = ["regions.pay_county"]
# What a line needs of an item (`item` of a line: these as attributes, pk and payment_status among them).
APPLICATION_FIELDS = (
    "pk",
    "number",
    "amount",
    "payee_name",
    "applicant_name",
    "payee_bank",
    "payee_account",
    "payment_status",
    "took_part",
)
CLAIM_FIELDS = (
    "pk",
    "number",
    "approved_amount",
    "reviewed_by_id",
    "payment_status",
    "hospital__name",
    "hospital__bank",
    "hospital__account",
    "hospital_id",
    "county",
)
LINE_CHUNK = 2000


def finance_check(user, county: str) -> None:
    """Only the county's finance officer pays (an approver never does); another county is not found."""
    if role_of(user) != Role.COUNTY_FINANCE:
        raise ActionForbidden(_("Only the county's finance officer pays approved aid."))
    if not in_scope(user, county, PAY_PERMISSION):
        raise NotFound(_("No such county in your scope."))


def payable_applications(county: str):
    """Approved applications with something to pay (an approval at 0.00 below the deductible has not)."""
    return Application.objects.filter(
        status=Status.APPROVED,
        payment_status__in=PAYABLE,
        village__code__startswith=county,
        amount__gt=0,
        revocation__isnull=True,  # a revoked approval is never paid
    ).order_by("number")


def payable_claims(county: str):
    return (
        SettlementClaim.objects.filter(status=ClaimStatus.APPROVED, payment_status__in=PAYABLE, county=county)
        .select_related("hospital")
        .order_by("number")
    )


def payable_rosters(county: str):
    """Confirmed premium subsidy rosters not paid: their total goes to the insurance fund."""
    return PremiumRoster.objects.filter(
        county=county, status__in=[RosterStatus.CONFIRMED, RosterStatus.RECORDED], payment_status__in=PAYABLE
    ).order_by("number")


def _roster_lines(county: str, *, lock: bool, user) -> tuple[list[dict], list[dict]]:
    rosters = payable_rosters(county)
    if lock:
        rosters = rosters.select_for_update()
    lines, skipped = [], []
    for roster in rosters:
        amount = roster_payable_amount(roster)
        if roster.confirmed_by_id == user.pk:
            reason = _("You confirmed this roster; another finance officer must pay it.")
            skipped.append({"kind": LineKind.PREMIUM, "ref": roster.number, "reason": reason})
        elif amount <= 0:
            reason = _("The agency accepted nobody on this roster: nothing to pay.")
            skipped.append({"kind": LineKind.PREMIUM, "ref": roster.number, "reason": reason})
        else:
            lines.append(
                {
                    "kind": LineKind.PREMIUM,
                    "item": roster,
                    "ref": roster.number,
                    "payee": roster.payee,
                    "bank": roster.bank,
                    "account": roster.account,
                    "amount": amount,
                }
            )
    return lines, skipped


def _candidates(county: str, *, lock: bool, user) -> tuple[list[dict], list[dict]]:
    """(lines to pay, items skipped with the reason), applications first, each by number. Whoever
    took part in a case (filed, checked, reviewed or decided it) never pays it."""
    applications = payable_applications(county).annotate(
        took_part=Exists(StageRecord.objects.filter(application=OuterRef("pk"), actor=user))
    )
    claims = payable_claims(county)
    if lock:
        applications = applications.select_for_update(of=("self",))
        claims = claims.select_for_update(of=("self",))
    # Rows, not model instances: a county's batch may hold a hundred thousand lines.
    applications = applications.values_list(*APPLICATION_FIELDS, named=True).iterator(chunk_size=5000)
    claims = claims.values_list(*CLAIM_FIELDS, named=True).iterator(chunk_size=5000)
    lines, skipped = [], []
    for application in applications:
        if application.took_part:
            reason = _("You took part in this application; another finance officer must pay it.")
            skipped.append({"kind": LineKind.APPLICATION, "ref": application.number, "reason": reason})
        elif not application.amount:
            skipped.append(
                {
                    "kind": LineKind.APPLICATION,
                    "ref": application.number,
                    "reason": _("The approved amount is 0: nothing to pay."),
                }
            )
        elif not application.payee_account:
            skipped.append(
                {
                    "kind": LineKind.APPLICATION,
                    "ref": application.number,
                    "reason": _("No payee account: record it on the case page."),
                }
            )
        else:
            lines.append(
                {
                    "kind": LineKind.APPLICATION,
                    "item": application,
                    "ref": application.number,
                    "payee": application.payee_name or application.applicant_name,
                    "bank": application.payee_bank,
                    "account": application.payee_account,
                    "amount": application.amount,
                }
            )
    claims = list(claims)
    # What the hospitals owe back after revocations is taken off their claims (aidflow.recoveries).
    offsets = claim_offsets(claims, lock=lock)
    for claim in claims:
        offset = offsets[claim.pk]
        if claim.reviewed_by_id == user.pk:
            reason = _("You reviewed this claim; another finance officer must pay it.")
            skipped.append({"kind": LineKind.CLAIM, "ref": claim.number, "reason": reason})
        elif not claim.approved_amount:
            skipped.append(
                {"kind": LineKind.CLAIM, "ref": claim.number, "reason": _("The approved amount is 0: nothing to pay.")}
            )
        elif claim.approved_amount - offset.total <= 0:
            # Settled by the offset alone: a batch made now records it (_settle_by_offset).
            skipped.append(
                {
                    "kind": LineKind.CLAIM,
                    "ref": claim.number,
                    "reason": _("Offset in full against what the hospital owes back: nothing to pay."),
                    OFFSET_KEY: (claim.pk, offset),
                }
            )
        elif not claim.hospital__account:
            skipped.append(
                {"kind": LineKind.CLAIM, "ref": claim.number, "reason": _("The hospital's account is not registered.")}
            )
        else:
            lines.append(
                {
                    "kind": LineKind.CLAIM,
                    "item": claim,
                    "ref": claim.number,
                    "payee": claim.hospital__name,
                    "bank": claim.hospital__bank,
                    "account": claim.hospital__account,
                    "amount": claim.approved_amount - offset.total,
                    "offset": offset,
                }
            )
    roster_lines, roster_skipped = _roster_lines(county, lock=lock, user=user)
    return lines + roster_lines, skipped + roster_skipped


def _plain(skipped: list[dict]) -> list[dict]:
    return [{key: value for key, value in item.items() if key != OFFSET_KEY} for item in skipped]


def _settle_by_offset(*, user, skipped: list[dict]) -> bool:
    """Claims whose whole approved amount went to what their hospital owed back: the offsets are
    recorded and the claims are paid (nothing goes to the bank), so they do not come back."""
    settled = [item for item in skipped if OFFSET_KEY in item]
    if not settled:
        return False
    offsets_record(
        user=user,
        plans={item[OFFSET_KEY][0]: item[OFFSET_KEY][1] for item in settled},
        claim_numbers={item[OFFSET_KEY][0]: item["ref"] for item in settled},
    )
    SettlementClaim.objects.filter(pk__in=[item[OFFSET_KEY][0] for item in settled]).update(
        payment_status=PaymentStatus.PAID, payment_batch="", paid_on=timezone.localdate()
    )
    return True


def payable_preview(*, user, county: str) -> tuple[list[dict], list[dict]]:
    """What a batch made now would hold, without locking or writing (the finance screen)."""
    finance_check(user, county)
    lines, skipped = _candidates(county, lock=False, user=user)
    return lines, _plain(skipped)


def batch_create(*, user, data: object) -> PaymentBatch:
    """Gather the county's payable items into a new batch - prepared, awaiting another person's
    approval, or open at once without the second signature; Conflict when nothing is payable."""
    if not isinstance(data, dict):
        raise InputErrors({"body": [_("The request is a JSON object.")]})
    county = county_read(data.get("county"))
    finance_check(user, county)
    try:
        with transaction.atomic():
            lines, skipped = _candidates(county, lock=True, user=user)
            settled = _settle_by_offset(user=user, skipped=skipped)
            skipped = _plain(skipped)
            nothing = Conflict(
                {
                    "county": [_("Nothing is payable in this county now.")],
                    **({"skipped": [f"{item['ref']}: {item['reason']}" for item in skipped]} if skipped else {}),
                }
            )
            if not lines and not settled:
                raise nothing
            # With nothing to pay but claims settled by offset, those stay settled (the block commits).
            batch = _batch_write(user=user, county=county, lines=lines, skipped=skipped) if lines else None
    except IntegrityError:
        # Another batch took an item between our read and our write (the constraint held).
        raise Conflict({"county": [_("Another batch was made at the same moment; try again.")]}) from None
    if batch is None:
        raise nothing
    return batch


def _batch_write(*, user, county: str, lines: list[dict], skipped: list[dict]) -> PaymentBatch:
    """The batch, its lines, the offsets they take, the items marked in the batch, the audit."""
    now = timezone.now()
    number = f"FF-{county}-{now.year}-{take_next(PaymentCounter, county=county, year=now.year):04d}"
    batch = PaymentBatch.objects.create(
        number=number,
        county=county,
        status=BatchStatus.PREPARED if settings.PAYMENT_SECOND_SIGNATURE else BatchStatus.OPEN,
        count=len(lines),
        total=sum((line["amount"] for line in lines), ZERO),
        skipped=skipped,
        created_by=user,
        created_at=now,
    )
    for first in range(0, len(lines), LINE_CHUNK):
        PaymentLine.objects.bulk_create(
            PaymentLine(
                batch=batch,
                seq=index,
                kind=line["kind"],
                application_id=line["item"].pk if line["kind"] == LineKind.APPLICATION else None,
                claim_id=line["item"].pk if line["kind"] == LineKind.CLAIM else None,
                roster_id=line["item"].pk if line["kind"] == LineKind.PREMIUM else None,
                ref=line["ref"],
                payee=line["payee"],
                bank=line["bank"],
                account=line["account"],
                amount=line["amount"],
            )
            for index, line in enumerate(lines[first : first + LINE_CHUNK], start=first + 1)
        )
    offsets_record(
        user=user,
        plans={line["item"].pk: line["offset"] for line in lines if line.get("offset")},
        claim_numbers={line["item"].pk: line["ref"] for line in lines if line["kind"] == LineKind.CLAIM},
    )
    # The items of the new lines, found by a join rather than a list of ids.
    Application.objects.filter(payment_lines__batch=batch).update(
        payment_status=PaymentStatus.IN_BATCH, payment_batch=number, paid_on=None
    )
    SettlementClaim.objects.filter(payment_lines__batch=batch).update(
        payment_status=PaymentStatus.IN_BATCH, payment_batch=number, paid_on=None
    )
    PremiumRoster.objects.filter(payment_lines__batch=batch).update(
        payment_status=PaymentStatus.IN_BATCH, payment_batch=number, paid_on=None
    )
    audit_record(
        actor=user,
        action=AuditAction.PAYMENT_BATCH_CREATED,
        region=county,
        details={
            "number": number,
            "status": batch.status,
            "count": len(lines),
            "total": money_text(batch.total),
            "refs": [line["ref"] for line in lines],
            "skipped": skipped,
        },
    )
    if batch.status == BatchStatus.PREPARED:
        staff_notify(
            role=Role.COUNTY_FINANCE,
            region=county,
            kind=NotificationKind.BATCH_TO_APPROVE,
            text=lambda: (
                _("Batch %(number)s (%(count)d lines, %(total)s yuan) awaits your approval.")
                % {"number": number, "count": len(lines), "total": money_text(batch.total)}
            ),
            link=reverse("workbench:batch", args=[batch.pk]),
            exclude=user,
        )
    return batch
