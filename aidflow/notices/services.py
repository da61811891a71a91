"""Issuing, rendering and verifying decision notices (POLICY section 6).

A notice is created - numbered, with its content frozen - inside the transaction of the decision it
records. The PDF is rendered after that transaction commits (a Celery task when a broker is set,
inline otherwise), stored once with its SHA-256 and never rendered again.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import io
import secrets
import shutil
import subprocess

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from aidflow.audit.services import audit_record
from aidflow.cases.identity import mask_name, mask_resident_id
from aidflow.notices.models import Notice, NoticeCounter, NoticeKind
from aidflow.notices.money import money_figures, rmb_capitals
from aidflow.numbering import take_next

CJK_FONT_FAMILY = "Noto Sans CJK SC"
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: read aloud over the phone
TITLES = {
    NoticeKind.APPROVAL: "准予医疗救助决定书",
    NoticeKind.REJECTION: "不予医疗救助决定书",
    NoticeKind.SUPPLEMENT: "补正材料通知书",
}
# Articles of 德民〔2015〕69号 each decision rests on.
LEGAL_BASIS = {
    "hospitalization": "第四条第（一）项、第（二）项、第（三）项、第（四）项",
    "major_disease": "第四条第（一）项、第（二）项、第（四）项，第五条第（一）项",
    "outpatient": "第四条第（一）项、第（二）项、第（三）项第2目、第（四）项",
}
NOT_CONFIGURED = "（发文机关未配置，请在政策文件中配置 authority）"


class NoticeFontMissing(RuntimeError):
    """The CJK font is not installed: a notice would print empty boxes, so none is rendered."""


def cjk_font_available() -> bool:
    if shutil.which("fc-list") is None:
        return False
    listing = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, check=False).stdout  # noqa: S607
    return CJK_FONT_FAMILY in listing


def _county_authority(application) -> dict | None:
    return application.policy.authority_for(application.village_id) if application.policy else None


def authority_for(application, stage: str) -> dict:
    """Who issues the notice of a decision taken at `stage`."""
    county = _county_authority(application)
    if stage == "county_approval":
        if county:
            return dict(county, level="county")
        return {
            "name": NOT_CONFIGURED,
            "notice_prefix": f"{application.village_id[:6]}民救",
            "level": "county",
            "reconsideration_body": NOT_CONFIGURED,
            "court": NOT_CONFIGURED,
            "configured": False,
        }
    village = application.village
    township = village.parent
    if stage == "township_review" or stage == "notice_delivery":
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


def _content(application, kind: str, stage: str, *, reasons: str, missing: list[str]) -> dict:
    calculation = application.calculation or {}
    stays = [
        {
            "hospital": stay.hospital,
            "admission": stay.admission_date.isoformat(),
            "discharge": stay.discharge_date.isoformat(),
            "eligible_cost": str(stay.eligible_cost),
            "remaining": (calculation.get("stays") or [{}] * (stay.index + 1))[stay.index].get("remaining", ""),
        }
        for stay in application.stays.all()
    ]
    amount = application.amount if kind == NoticeKind.APPROVAL else None
    policy = application.policy
    return {
        "title": TITLES[kind],
        "applicant_name": application.applicant_name,
        "applicant_masked": mask_name(application.applicant_name),
        "id_masked": mask_resident_id(application.id_number),
        "village": application.village.full_name,
        "application_number": application.number,
        "filing_date": _chinese_date(application.filing_date),
        "category": application.get_category_display(),
        "aid_type": application.get_aid_type_display(),
        "household": (
            f"家庭人口{application.household_size}人，家庭月收入{application.household_monthly_income}元，"
            f"人均月收入{application.per_capita_income}元，{application.get_residence_display()}户籍"
        ),
        "stays": stays,
        "explanation": calculation.get("explanation", []),
        "eligible": bool(calculation.get("eligible")),
        "policy_title": policy.title if policy else "（未找到适用政策）",
        "legal_basis": LEGAL_BASIS.get(application.aid_type, "第四条"),
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


def notice_issue(*, application, kind: str, stage: str, reasons: str = "", missing: list[str] | None = None) -> Notice:
    """Create the notice of a decision inside the decision's transaction; the PDF follows after commit."""
    authority = authority_for(application, stage)
    year = timezone.localdate().year
    # A notice is a Chinese legal document whatever language the official's screen is in.
    with translation.override("zh-hans"):
        content = _content(application, kind, stage, reasons=reasons, missing=missing or [])
    prefix = authority["notice_prefix"] + ("补" if kind == NoticeKind.SUPPLEMENT else "")
    notice = Notice.objects.create(
        application=application,
        kind=kind,
        number=_next_number(prefix, year),
        verification_code=_verification_code(),
        stage=stage,
        authority=authority,
        content=content,
        issued_at=timezone.now(),
    )
    transaction.on_commit(lambda: _schedule_render(notice.pk))
    return notice


class NoticeCorrectionRefused(Exception):
    """A notice that cannot be corrected (already replaced, or not yet rendered)."""


def notice_correct(*, notice_id: int, user, reason: str) -> Notice:
    """Issue a corrected notice that names the one it replaces; the old PDF stays as it was.

    Only a county approver in the application's county corrects notices.
    """
    from aidflow.cases.services import ActionForbidden, NotFound, application_get, role_of
    from aidflow.policy.values import InputErrors

    if role_of(user) != "county_approver":
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
        authority = authority_for(application, old.stage)
        with translation.override("zh-hans"):
            content = _content(
                application,
                old.kind,
                old.stage,
                reasons=old.content.get("reasons", ""),
                missing=old.content.get("missing", []),
            )
        content.update({"replaces": old.number, "correction_reason": reason})
        prefix = authority["notice_prefix"] + ("补" if old.kind == NoticeKind.SUPPLEMENT else "")
        new = Notice.objects.create(
            application=application,
            kind=old.kind,
            number=_next_number(prefix, timezone.localdate().year),
            verification_code=_verification_code(),
            stage=old.stage,
            authority=authority,
            content=content,
            issued_at=timezone.now(),
            replaces=old,
        )
        audit_record(
            actor=user,
            action="notice_corrected",
            application=application,
            stage=old.stage,
            details={"replaces": old.number, "number": new.number, "reason": reason},
        )
        transaction.on_commit(lambda: _schedule_render(new.pk))
    return new


def _schedule_render(notice_id: int) -> None:
    from aidflow.notices.tasks import render_notice

    render_notice.delay(notice_id)


def verification_url(code: str) -> str:
    return f"{settings.AIDFLOW_PUBLIC_URL.rstrip('/')}/verify/{code}"


def _qr_data_uri(text: str) -> str:
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=1)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def notice_html(notice: Notice) -> str:
    with translation.override("zh-hans"):
        return _notice_html(notice)


def _notice_html(notice: Notice) -> str:
    return render_to_string(
        "notices/notice.html",
        {
            "notice": notice,
            "content": notice.content,
            "authority": notice.authority,
            "font_family": CJK_FONT_FAMILY,
            "verify_url": verification_url(notice.verification_code),
            "qr": _qr_data_uri(verification_url(notice.verification_code)),
        },
    )


def render_pdf(notice: Notice) -> bytes:
    if not cjk_font_available():
        raise NoticeFontMissing(
            f"The font '{CJK_FONT_FAMILY}' is not installed, so a notice would print empty boxes. "
            "Install the Debian package fonts-noto-cjk (scripts/run.sh does this when run as root)."
        )
    from weasyprint import HTML

    return HTML(string=notice_html(notice), base_url=str(settings.BASE_DIR)).write_pdf()


def notice_render(notice_id: int) -> Notice:
    """Render and store the PDF once; later calls return the stored notice unchanged."""
    with transaction.atomic():
        notice = Notice.objects.select_for_update().get(pk=notice_id)
        if notice.sha256:
            return notice
        data = render_pdf(notice)
        notice.sha256 = hashlib.sha256(data).hexdigest()
        notice.rendered_at = timezone.now()
        notice.pdf.save(f"{notice.verification_code}.pdf", ContentFile(data), save=False)
        notice.save(update_fields=["pdf", "sha256", "rendered_at"])
        audit_record(
            actor=None,
            actor_name="notices",
            action="notice_issued",
            application=notice.application,
            stage=notice.stage,
            details={"notice": notice.pk, "kind": notice.kind, "number": notice.number, "sha256": notice.sha256},
        )
    return notice


def notice_verification(code: str) -> dict | None:
    """What anyone may learn from a verification code: enough to check a paper notice, masked."""
    notice = Notice.objects.select_related("application").filter(verification_code=(code or "").strip().upper()).first()
    if notice is None:
        return None
    content = notice.content
    decision = {"approval": "approved", "rejection": "rejected", "supplement": "supplement_requested"}[notice.kind]
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


def add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    for last_day in (31, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, last_day))
        except ValueError:
            continue
    raise ValueError(day)


def remedy_deadlines(delivered_on: datetime.date) -> dict:
    """Reconsideration within 60 days and a lawsuit within 6 months, counted from delivery."""
    return {
        "reconsideration": delivered_on + datetime.timedelta(days=60),
        "lawsuit": add_months(delivered_on, 6),
    }
