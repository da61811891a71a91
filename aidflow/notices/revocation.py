"""The revocation notice (撤销决定书): the county takes back an approval or a one-stop settlement
(fraud, error) with its reasons and the facts found; its own number series after the county's
prefix, the remedies, and the QR code like every notice. Issued inside the revocation's transaction;
the PDF follows after commit."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone, translation

from aidflow.cases.choices import NoticeKind
from aidflow.core.identity import mask_name, mask_resident_id
from aidflow.notices.models import Notice
from aidflow.notices.money import money_figures, rmb_capitals
from aidflow.notices.services import (
    NOT_CONFIGURED,
    _chinese_date,
    _next_number,
    _verification_code,
    authority_for,
)
from aidflow.notices.tasks import render_schedule
from aidflow.policy.requests import AID_TYPE_NAMES, CATEGORY_NAMES
from aidflow.regions.codes import county_of
from aidflow.regions.stages import Stage

TITLE = "撤销医疗救助决定书"
# The series after the county's prefix: 撤 (撤销), apart from approvals, 补 and 告.
SERIES = "撤"
# Where the policy text rests a revocation: aid obtained by fraud is pursued
# (德民〔2015〕69号 六、（三）, seed 002 line ~1838).
BASIS = "六、（三）"


def _settlement_authority(settlement) -> dict:
    policy = settlement.policy
    county = policy.authority_for(settlement.region) if policy else None
    if county:
        return dict(county, level="county")
    return {
        "name": NOT_CONFIGURED,
        "notice_prefix": f"{county_of(settlement.region)}民救",
        "level": "county",
        "reconsideration_body": NOT_CONFIGURED,
        "court": NOT_CONFIGURED,
        "configured": False,
    }


def _money(amount: Decimal | None) -> dict:
    amount = amount or Decimal("0.00")
    return {"amount": str(amount), "figures": money_figures(amount), "capitals": rmb_capitals(amount)}


def revocation_notice_issue(
    *,
    reasons: str,
    facts: str,
    paid: Decimal,
    debtor: str,
    application=None,
    settlement=None,
) -> Notice:
    """Number and store the revocation notice of an application's approval or of a settlement."""
    with translation.override("zh-hans"):
        if application is not None:
            authority = dict(authority_for(application, Stage.COUNTY_APPROVAL))
            subject = {
                "applicant_name": application.applicant_name,
                "applicant_masked": mask_name(application.applicant_name),
                "patient_name": application.patient_full_name,
                "id_masked": mask_resident_id(application.id_number),
                "reference": application.number,
                "reference_kind": "申请编号",
                "decided": _chinese_date(application.decided_on) if application.decided_on else "",
                "original": next(
                    (
                        n.number
                        for n in application.notices.all()
                        if n.kind == NoticeKind.APPROVAL and not n.replaces_id
                    ),
                    "",
                ),
                "category": application.category_name,
                "aid_type": application.get_aid_type_display(),
                "route": "application",
                "demo_policy": bool(application.policy and application.policy.demo),
                "region": application.village_id,
            }
            granted = application.amount
        else:
            authority = _settlement_authority(settlement)
            subject = {
                "applicant_name": settlement.name,
                "applicant_masked": mask_name(settlement.name),
                "patient_name": settlement.name,
                "id_masked": mask_resident_id(settlement.id_number),
                "reference": settlement.number,
                "reference_kind": "结算单号",
                "decided": _chinese_date(settlement.discharge_date),
                "original": "",
                "hospital": settlement.hospital.name,
                "category": CATEGORY_NAMES.get(settlement.category, settlement.category),
                "aid_type": AID_TYPE_NAMES.get(settlement.aid_type, settlement.aid_type),
                "route": "settlement",
                "demo_policy": bool(settlement.policy and settlement.policy.demo),
                "region": settlement.region,
            }
            granted = settlement.amount
        content = {
            "title": TITLE,
            **subject,
            "reasons": reasons,
            "facts": facts,
            "granted": _money(granted),
            "paid": _money(paid),
            "debtor": debtor,
            "legal_basis": BASIS,
            # The verification page shows the amount the revocation takes back.
            "amount": str(granted or Decimal("0.00")),
            "date": _chinese_date(timezone.localdate()),
        }
    notice = Notice.objects.create(
        application=application,
        settlement=settlement,
        kind=NoticeKind.REVOCATION,
        number=_next_number(authority["notice_prefix"] + SERIES, timezone.localdate().year),
        verification_code=_verification_code(),
        stage=Stage.COUNTY_APPROVAL,
        authority=authority,
        content=content,
        issued_at=timezone.now(),
    )
    transaction.on_commit(lambda: render_schedule(notice.pk))
    return notice
