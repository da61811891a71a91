"""Asking the patient (INTERFACES section 15, item 3). The county asks about a settlement, or a
claim's sample asks about its drawn settlements; the patient's township answers after a visit or a
call; an answer that contradicts the slip is a finding, which the county acts on with the tools it
has: a refusal in the claim's review, or - once the claim is paid - the settlement's revocation and
the recovery of the money (aidflow.recoveries). Each step is audited in its own transaction."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from aidflow.audit.models import AuditAction
from aidflow.audit.services import audit_record
from aidflow.calendars.services import WORKING, due_date
from aidflow.cases.choices import NotificationKind
from aidflow.cases.services.staff_alerts import staff_notify
from aidflow.core.errors import ActionForbidden, Conflict
from aidflow.core.fields import FieldReader, money_text
from aidflow.policy.services import policy_select
from aidflow.regions.models import Role
from aidflow.regions.scope import in_scope, role_of
from aidflow.settlements.models import LIVE_STATUSES, Settlement
from aidflow.settlements.selectors import settlement_get
from aidflow.verifications.models import Verification, VerificationMethod, VerificationReason, VerificationStatus
from aidflow.verifications.selectors import verification_get

# Working days the township has to answer, unless the policy file says `verification_days`.
DEFAULT_DAYS = 10


def _days(settlement: Settlement) -> int:
    version = policy_select(region_code=settlement.region, filing_date=settlement.discharge_date)
    days = (version.content.get("verification_days") if version else None) or DEFAULT_DAYS
    return int(days)


def _new(settlement: Settlement, *, reason: str, user, now: datetime.datetime) -> Verification:
    return Verification(
        settlement=settlement,
        region=settlement.region,
        county=settlement.county,
        reason=reason,
        requested_by=user,
        requested_at=now,
        due_date=due_date(received=now, days=_days(settlement), counting=WORKING).date,
    )


def verification_request(*, user, settlement_id) -> Verification:
    """The county approver asks the patient's township about one live settlement of the county."""
    if role_of(user) != Role.COUNTY_APPROVER:
        raise ActionForbidden(_("Only the county approver asks a patient about a settlement."))
    settlement = settlement_get(user, settlement_id)  # 404 outside the county
    if settlement.status not in LIVE_STATUSES:
        raise Conflict({"settlement": [_("Only a live settlement can be verified.")]})
    now = timezone.now()
    try:
        with transaction.atomic():
            verification = _new(settlement, reason=VerificationReason.REQUESTED, user=user, now=now)
            verification.save()
            audit_record(
                actor=user,
                action=AuditAction.VERIFICATION_REQUESTED,
                region=settlement.region,
                details={"settlement": settlement.number, "due_date": verification.due_date.isoformat()},
            )
            _tell_township([verification])
    except IntegrityError:
        raise Conflict({"settlement": [_("The patient is already being asked about this settlement.")]}) from None
    return verification


def verifications_for_sample(*, settlements, claim_number: str) -> int:
    """A verification for each drawn settlement that has none yet (a claim's sample); returns how
    many were added. Runs inside the caller's transaction."""
    now = timezone.now()
    settlements = list(settlements)
    asked = set(Verification.objects.filter(settlement__in=settlements).values_list("settlement_id", flat=True))
    # One due date per county's policy: a sample of thousands costs no query per settlement.
    due: dict[str, datetime.date] = {}
    added = []
    for item in settlements:
        if item.pk in asked:
            continue
        if item.county not in due:
            due[item.county] = _new(item, reason=VerificationReason.SAMPLED, user=None, now=now).due_date
        added.append(
            Verification(
                settlement=item,
                region=item.region,
                county=item.county,
                reason=VerificationReason.SAMPLED,
                requested_at=now,
                due_date=due[item.county],
            )
        )
    added = Verification.objects.bulk_create(added, batch_size=2000)
    _tell_township(added)
    if added:
        audit_record(
            actor=None,
            actor_name="claim_sample",
            action=AuditAction.VERIFICATION_REQUESTED,
            region=added[0].county,
            details={
                "claim": claim_number,
                "count": len(added),
                "settlements": [item.settlement.number for item in added],
            },
        )
    return len(added)


def _tell_township(verifications: list[Verification]) -> None:
    """The reviewers of each patient's township hear how many patients they are to ask."""
    by_township: dict[str, list[Verification]] = {}
    for item in verifications:
        by_township.setdefault(item.region[:9], []).append(item)
    for township, items in by_township.items():
        first = min(item.due_date for item in items)
        staff_notify(
            role=Role.TOWNSHIP_REVIEWER,
            region=township,
            kind=NotificationKind.PATIENT_TO_ASK,
            text=lambda items=items, first=first: (
                _("%(count)d patients to ask whether their stay happened and what they paid, the first by %(day)s.")
                % {"count": len(items), "day": first.isoformat()}
            ),
            link=reverse("workbench:verifications") + "?status=open",
        )


def answer_read(data: object) -> dict:
    """The township's answer; 400 naming each bad field."""
    reader = FieldReader()
    data = data if isinstance(data, dict) else {}
    answer = {
        "method": reader.choice(data, "method", "method", VerificationMethod.values),
        "stay_happened": reader.boolean(data, "stay_happened", "stay_happened"),
        "patient_paid": reader.money(data, "patient_paid", "patient_paid", required=False),
        "note": reader.text(data, "note", "note", required=False, max_length=2000) or "",
    }
    if answer["stay_happened"] and answer["patient_paid"] is None:
        reader.error("patient_paid", _("Say what the patient paid the hospital for the stay."))
    reader.raise_if_any()
    return answer


def finding_of(settlement: Settlement, *, stay_happened: bool, patient_paid: Decimal | None) -> str:
    """What the answer contradicts on the slip (empty: nothing), in Chinese whatever the screen's
    language: it is a fact on record, and becomes the facts of a revocation notice."""
    with translation.override("zh-hans"):
        return _finding(settlement, stay_happened=stay_happened, patient_paid=patient_paid)


def _finding(settlement: Settlement, *, stay_happened: bool, patient_paid: Decimal | None) -> str:
    if not stay_happened:
        return _("The patient says the stay of %(first)s to %(last)s at %(hospital)s did not happen.") % {
            "first": settlement.admission_date.isoformat(),
            "last": settlement.discharge_date.isoformat(),
            "hospital": settlement.hospital.name,
        }
    if patient_paid is not None and patient_paid != settlement.patient_pays:
        return _("The patient says they paid %(paid)s; the slip says the patient pays %(slip)s.") % {
            "paid": money_text(patient_paid),
            "slip": money_text(settlement.patient_pays),
        }
    return ""


def verification_answer(*, user, pk, data: object) -> Verification:
    """The patient's township (or the county approver where the roll names no township) records the
    answer; a contradiction of the slip becomes a finding."""
    role = role_of(user)
    if role not in (Role.TOWNSHIP_REVIEWER, Role.COUNTY_APPROVER):
        raise ActionForbidden(_("The patient's township records what the patient said."))
    verification = verification_get(user=user, pk=pk)  # 404 outside the user's region
    if not in_scope(user, verification.region):
        raise ActionForbidden(_("The patient's township records what the patient said."))
    answer = answer_read(data)
    with transaction.atomic():
        verification = Verification.objects.select_for_update().select_related("settlement__hospital").get(pk=pk)
        if verification.status != VerificationStatus.OPEN:
            raise Conflict({"status": [_("This verification has already been answered.")]})
        finding = finding_of(
            verification.settlement, stay_happened=answer["stay_happened"], patient_paid=answer["patient_paid"]
        )
        verification.status = VerificationStatus.ANSWERED
        verification.method = answer["method"]
        verification.stay_happened = answer["stay_happened"]
        verification.patient_paid = answer["patient_paid"]
        verification.note = answer["note"]
        verification.answered_by = user
        verification.answered_at = timezone.now()
        verification.finding = bool(finding)
        verification.finding_text = finding
        verification.save()
        audit_record(
            actor=user,
            action=AuditAction.VERIFICATION_ANSWERED,
            region=verification.region,
            details={
                "settlement": verification.settlement.number,
                "method": answer["method"],
                "stay_happened": answer["stay_happened"],
                "patient_paid": money_text(answer["patient_paid"]) if answer["patient_paid"] is not None else None,
                "finding": finding,
            },
        )
        if finding:
            staff_notify(
                role=Role.COUNTY_APPROVER,
                region=verification.county,
                kind=NotificationKind.FINDING,
                text=lambda: (
                    _("%(number)s: %(finding)s") % {"number": verification.settlement.number, "finding": finding}
                ),
                link=reverse("workbench:verification", args=[verification.pk]),
            )
    return verification
