"""Issuing, rendering and verifying decision notices (POLICY section 6).

A notice is created - numbered, with its content frozen - inside the transaction of the decision it
records. The PDF is rendered after that transaction commits (a Celery task when a broker is set,
inline otherwise), stored once with its SHA-256 and never rendered again.
"""

from __future__ import annotations

import datetime
import secrets

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from aidflow.audit.models import AuditAction
from aidflow.audit.services import audit_record
from aidflow.cases.choices import NoticeKind
from aidflow.cases.selectors import application_get
from aidflow.core.errors import ActionForbidden, InputErrors, NotFound
from aidflow.core.identity import mask_name, mask_resident_id
from aidflow.core.numbering import take_next
from aidflow.notices.models import Notice, NoticeCounter
from aidflow.notices.money import amount_words, money_figures, rmb_capitals
from aidflow.notices.tasks import render_schedule
from aidflow.policy.models import CATEGORY_GROUP
from aidflow.regions.codes import county_of
from aidflow.regions.models import Level, Role
from aidflow.regions.scope import role_of
from aidflow.regions.stages import stage_rule
from aidflow.settlements.selectors import settlement_get

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: read aloud over the phone
TITLES = {
    NoticeKind.APPROVAL: "准予医疗救助决定书",
    NoticeKind.REJECTION: "不予医疗救助决定书",
    # The township explains; it does not decide (seed 002 四、（四）（2）②: 向申请人说明理由).
    NoticeKind.REVIEW_REFUSAL: "医疗救助申请审核不予通过告知书",
    NoticeKind.SUPPLEMENT: "补正材料通知书",
}
# Each kind's own numbering series after the authority's prefix.
SERIES = {NoticeKind.SUPPLEMENT: "补", NoticeKind.REVIEW_REFUSAL: "告"}
# The places in 德民〔2015〕69号 a rule rests on, cited by the text's own headings (it has no
# numbered articles); a policy rule's own `basis` wins.
RULE_BASIS = {
    ("key_recipient", "hospitalization"): "四、（三）3.（1）",
    ("low_income", "hospitalization"): "四、（三）3.（2）",
    ("key_recipient", "major_disease"): "五、（一）1.",
    ("low_income", "major_disease"): "五、（一）2.",
}
AID_TYPE_BASIS = {"hospitalization": "四、（三）3.", "major_disease": "五、（一）", "outpatient": "四、（三）2."}
# The procedure each notice follows: application materials, township review, county approval.
PROCEDURE_BASIS = {
    NoticeKind.SUPPLEMENT: "四、（四）（2）①",
    NoticeKind.REVIEW_REFUSAL: "四、（四）（2）②",
    NoticeKind.APPROVAL: "四、（四）（2）③",
    NoticeKind.REJECTION: "四、（四）（2）③",
}
NOT_CONFIGURED = "（发文机关未配置，请在政策文件中配置 authority）"
RELATIONSHIP_NAMES = {"guardian": "监护人", "agent": "委托代理人"}


def _county_authority(application) -> dict | None:
    return application.policy.authority_for(application.village_id) if application.policy else None


def authority_for(application, stage: str) -> dict:
    """Who issues the notice of a decision taken at `stage`."""
    county = _county_authority(application)
    level = stage_rule(stage).level
    if level == Level.COUNTY:
        if county:
            return dict(county, level="county")
        return {
            "name": NOT_CONFIGURED,
            "notice_prefix": f"{county_of(application.village_id)}民救",
            "level": "county",
            "reconsideration_body": NOT_CONFIGURED,
            "court": NOT_CONFIGURED,
            "configured": False,
        }
    village = application.village
    township = village.parent
    if level == Level.TOWNSHIP:
        name = township.name + ("办事处" if township.name.endswith("街道") else "人民政府")
        short = township.name.removesuffix("街道").removesuffix("镇").removesuffix("乡")
        return {
            "name": name,
            "notice_prefix": f"{short}民救",
            "reconsideration_body": (county or {}).get("reconsideration_body", NOT_CONFIGURED),
            "court": (county or {}).get("court", NOT_CONFIGURED),
            "level": "township",
        }
    committee = "居民委员会" if village.name.endswith("社区") else "村民委员会"
    return {
        "name": f"{township.name}{village.name}{committee}",
        "notice_prefix": f"{village.name}村委",
        "reconsideration_body": "",
        "court": "",
        "level": "village",
    }


def _next_number(prefix: str, year: int) -> str:
    """`<prefix>〔<year>〕<n>号`, gap-free per authority prefix and year."""
    return f"{prefix}〔{year}〕{take_next(NoticeCounter, prefix=prefix, year=year)}号"


def _verification_code() -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
        if not Notice.objects.filter(verification_code=code).exists():
            return code


def _chinese_date(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def legal_basis(application, kind: str) -> str:
    """Where in the policy text the notice's decision rests: the rule's place, then the procedure's."""
    places = []
    if kind != NoticeKind.SUPPLEMENT:
        policy = application.policy
        group = CATEGORY_GROUP.get(application.category)
        if group is None and policy is not None:
            group = next((e["group"] for e in policy.extra_categories if e["code"] == application.category), None)
        # At most one rule fits (unique per version, group, aid type, insured); read from the
        # version's rules, which a caller may have prefetched.
        wanted = (group, application.aid_type, application.insured)
        rules = policy.rules.all() if policy is not None else []
        rule = next((rule for rule in rules if (rule.category_group, rule.aid_type, rule.insured) == wanted), None)
        places.append(
            (rule.basis if rule is not None else "")
            or RULE_BASIS.get((group, application.aid_type))
            or AID_TYPE_BASIS[application.aid_type]
        )
    places.append(PROCEDURE_BASIS[kind])
    return "、".join(dict.fromkeys(places))


def _content(application, kind: str, stage: str, *, reasons: str, missing: list[str]) -> dict:
    calculation = application.calculation or {}
    stay_rows = list(application.stays.all())
    hospitals = {stay.index: stay.hospital for stay in stay_rows}
    stays = [
        {
            "hospital": stay.hospital,
            "admission": stay.admission_date.isoformat(),
            "discharge": stay.discharge_date.isoformat(),
            "eligible_cost": str(stay.eligible_cost),
            "diagnosis": stay.diagnosis,
            "icd10": stay.icd10,
            "remaining": (calculation.get("stays") or [{}] * (stay.index + 1))[stay.index].get("remaining", ""),
        }
        for stay in stay_rows
    ]
    amount = application.amount if kind == NoticeKind.APPROVAL else None
    policy = application.policy
    return {
        "title": TITLES[kind],
        "applicant_name": application.applicant_name,
        "applicant_masked": mask_name(application.applicant_name),
        "id_masked": mask_resident_id(application.id_number),
        # A guardian or agent applies on the patient's behalf: the notice is addressed to them, for the patient.
        "on_behalf": application.on_behalf,
        "relationship": RELATIONSHIP_NAMES.get(application.applicant_relationship, ""),
        "patient_name": application.patient_full_name,
        "excluded_costs": [
            {
                "stay": item["stay"] + 1,
                "hospital": hospitals.get(item["stay"], ""),
                "amount": item["amount"],
                "reason": item["reason"],
            }
            for item in application.excluded_costs or []
        ],
        "zero_approval": amount is not None and amount == 0,
        "deductible_left": calculation.get("deductible_left", ""),
        "remaining": calculation.get("remaining", ""),
        "certificate_based": application.category not in ("low_income",) and not application.roll_checked,
        "village": application.village.full_name,
        "application_number": application.number,
        "filing_date": _chinese_date(application.filing_date),
        "category": application.category_name,
        "aid_type": application.get_aid_type_display(),
        "household": (
            f"家庭人口{application.household_size}人，家庭月收入{application.household_monthly_income}元，"
            f"人均月收入{application.per_capita_income}元，{application.get_residence_display()}户籍"
        ),
        "stays": stays,
        "explanation": calculation.get("explanation", []),
        # What the applicant reads: the amount in sentences (the formula lines stay on the case page).
        "amount_words": amount_words(application, stay_rows),
        "eligible": bool(calculation.get("eligible")),
        "policy_title": policy.title if policy else "（未找到适用政策）",
        "legal_basis": legal_basis(application, kind),
        "demo_policy": bool(policy and policy.demo),
        "computed_amount": str(application.computed_amount),
        "amount": str(amount) if amount is not None else None,
        "amount_figures": money_figures(amount) if amount is not None else None,
        "amount_capitals": rmb_capitals(amount) if amount is not None else None,
        "lower_than_computed": amount is not None and amount < application.computed_amount,
        "reasons": reasons,
        "missing": missing,
        "stage": stage,
        "date": _chinese_date(timezone.localdate()),
    }


def _notice_create(application, *, kind: str, stage: str, content: dict, replaces: Notice | None = None) -> Notice:
    """Number and store a notice in the caller's transaction; its PDF is rendered after commit."""
    authority = authority_for(application, stage)
    prefix = authority["notice_prefix"] + SERIES.get(kind, "")
    notice = Notice.objects.create(
        application=application,
        kind=kind,
        number=_next_number(prefix, timezone.localdate().year),
        verification_code=_verification_code(),
        stage=stage,
        authority=authority,
        content=content,
        issued_at=timezone.now(),
        replaces=replaces,
    )
    transaction.on_commit(lambda: render_schedule(notice.pk))
    return notice


def notice_issue(*, application, kind: str, stage: str, reasons: str = "", missing: list[str] | None = None) -> Notice:
    """Create the notice of a decision inside the decision's transaction; the PDF follows after commit."""
    # A notice is a Chinese legal document whatever language the official's screen is in.
    with translation.override("zh-hans"):
        content = _content(application, kind, stage, reasons=reasons, missing=missing or [])
    superseded = _decision_superseded(application, kind)
    if superseded is not None:
        content.update(superseded[1])
    return _notice_create(
        application, kind=kind, stage=stage, content=content, replaces=superseded[0] if superseded else None
    )


APPEAL_DECISION_NAMES = {"reconsideration": "行政复议决定", "lawsuit": "人民法院裁判"}


def _decision_superseded(application, kind: str) -> tuple[Notice, dict] | None:
    """A county decided again after an appeal set its decision aside: the earlier decision notice
    (决定书) still in force, which the new one replaces, and what the new one says of it."""
    if kind not in (NoticeKind.APPROVAL, NoticeKind.REJECTION):
        return None
    old = (
        Notice.objects.filter(application=application, kind__in=[NoticeKind.APPROVAL, NoticeKind.REJECTION])
        .filter(replaced_by__isnull=True)
        .order_by("-issued_at", "-pk")
        .first()
    )
    if old is None:
        return None
    from aidflow.appeals.models import Appeal

    appeal = Appeal.objects.filter(notice=old).exclude(reopened_at=None).order_by("-reopened_at").first()
    basis = (
        f"{appeal.body}{appeal.case_number}{APPEAL_DECISION_NAMES.get(appeal.kind, '')}" if appeal is not None else ""
    )
    return old, {"supersedes": old.number, "supersedes_basis": basis}


class NoticeCorrectionRefused(Exception):
    """A notice that cannot be corrected (already replaced, or not yet rendered)."""


def notice_correct(*, notice_id: int, user, reason: str) -> Notice:
    """Issue a corrected notice that names the one it replaces; the old PDF stays as it was.

    Only a county approver in the application's county corrects notices.
    """
    if role_of(user) != Role.COUNTY_APPROVER:
        raise ActionForbidden("Only a county approver corrects notices.")
    reason = (reason or "").strip()
    if not reason:
        raise InputErrors({"reason": ["Give the reason for the correction."]})
    with transaction.atomic():
        old = Notice.objects.select_for_update().filter(pk=notice_id).first()
        if old is None:
            raise NotFound("No such notice.")
        application = application_get(user=user, pk=old.application_id)
        if Notice.objects.filter(replaces=old).exists():
            raise NoticeCorrectionRefused(f"{old.number} has already been replaced.")
        with translation.override("zh-hans"):
            content = _content(
                application,
                old.kind,
                old.stage,
                reasons=old.content.get("reasons", ""),
                missing=old.content.get("missing", []),
            )
        content.update({"replaces": old.number, "correction_reason": reason})
        new = _notice_create(application, kind=old.kind, stage=old.stage, content=content, replaces=old)
        audit_record(
            actor=user,
            action=AuditAction.NOTICE_CORRECTED,
            application=application,
            stage=old.stage,
            details={"replaces": old.number, "number": new.number, "reason": reason},
        )
    return new


def notice_open(*, user, notice_id) -> Notice:
    """A rendered notice for download by staff who may see its case; who downloaded it is recorded."""
    notice = Notice.objects.select_related("application", "settlement").filter(pk=notice_id).exclude(sha256="").first()
    if notice is None:
        raise NotFound(_("No such notice."))
    try:
        if notice.application_id is not None:
            application_get(user=user, pk=notice.application_id)
        else:
            settlement_get(user, notice.settlement_id)
    except NotFound:
        raise NotFound(_("No such notice.")) from None
    audit_record(
        actor=user,
        action=AuditAction.NOTICE_DOWNLOADED,
        application=notice.application,
        region=notice.settlement.region if notice.settlement_id else "",
        details={"notice": notice.pk, "number": notice.number, "sha256": notice.sha256},
    )
    return notice


def notice_filename(notice: Notice) -> str:
    subject = notice.application or notice.settlement
    return f"{subject.number}-{notice.kind}.pdf"


def notice_for_decision(sender, *, application, owed, **kwargs) -> Notice:
    """Receiver of the cases' `notice_owed` signal: issue the notice a decision owes."""
    return notice_issue(
        application=application, kind=owed.kind, stage=owed.stage, reasons=owed.reasons, missing=owed.missing
    )


def notice_verification(code: str) -> dict | None:
    """What anyone may learn from a verification code: enough to check a paper notice, masked."""
    notice = Notice.objects.select_related("application").filter(verification_code=(code or "").strip().upper()).first()
    if notice is None:
        return None
    content = notice.content
    decision = {
        NoticeKind.APPROVAL: "approved",
        NoticeKind.REJECTION: "rejected",
        NoticeKind.REVIEW_REFUSAL: "rejected",
        NoticeKind.SUPPLEMENT: "supplement_requested",
        NoticeKind.REVOCATION: "revoked",
    }[notice.kind]
    replaced = getattr(notice, "replaced_by", None)
    return {
        "valid": replaced is None and bool(notice.sha256),
        "kind": notice.kind,
        "number": notice.number,
        "issued_at": timezone.localtime(notice.issued_at).isoformat(),
        "authority": notice.authority.get("name", ""),
        "applicant": content.get("applicant_masked", ""),
        "decision": decision,
        "amount": content.get("amount"),
        "sha256": notice.sha256,
        "replaced_by": replaced.number if replaced is not None else None,
    }
