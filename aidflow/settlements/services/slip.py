"""The settlement slip (一站式结算单) the patient signs at the window: weasyprint with the CJK font,
rendered on request from the stored settlement, its download audited."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from aidflow.audit.models import AuditAction
from aidflow.audit.services import audit_record
from aidflow.core.identity import mask_resident_id
from aidflow.notices.rendering import CJK_FONT_FAMILY, NoticeFontMissing, cjk_font_available
from aidflow.policy.requests import AID_TYPE_NAMES, CATEGORY_NAMES
from aidflow.regions.models import Region
from aidflow.settlements.models import Settlement


def slip_html(settlement: Settlement) -> str:
    region = Region.objects.filter(code=settlement.region).first()
    county = Region.objects.filter(code=settlement.county).first()
    payers = [
        ("医疗总费用", settlement.total_cost),
        ("其中：政策范围内（合规）费用", settlement.eligible_cost),
        ("基本医疗保险支付", settlement.basic_insurance),
        ("大病保险支付", settlement.serious_illness_insurance),
        ("其他补充保险支付", settlement.other_insurance),
        ("慈善及社会帮扶", settlement.charity),
        ("医院减免", settlement.hospital_reduction),
        ("疾病应急救助", settlement.emergency_fund),
        ("医疗救助（本院垫付）", settlement.amount),
    ]
    with translation.override("zh-hans"):
        return render_to_string(
            "settlements/slip.html",
            {
                "settlement": settlement,
                "font_family": CJK_FONT_FAMILY,
                "masked_id": mask_resident_id(settlement.id_number),
                "category": CATEGORY_NAMES.get(settlement.category, settlement.category),
                "aid_type": AID_TYPE_NAMES.get(settlement.aid_type, settlement.aid_type),
                "region": region.full_name if region else settlement.region,
                "county": county.full_name if county else settlement.county,
                "payers": payers,
                "demo": bool(settlement.calculation.get("policy", {}).get("demo")),
            },
        )


def slip_pdf(*, user, settlement: Settlement) -> bytes:
    if not cjk_font_available():
        raise NoticeFontMissing(
            f"The font '{CJK_FONT_FAMILY}' is not installed, so the slip would print empty boxes. "
            "Install the Debian package fonts-noto-cjk."
        )
    from weasyprint import HTML

    data = HTML(string=slip_html(settlement), base_url=str(settings.BASE_DIR)).write_pdf()
    audit_record(
        actor=user,
        action=AuditAction.SETTLEMENT_SLIP_DOWNLOADED,
        region=settlement.region,
        details={"number": settlement.number},
    )
    return data
