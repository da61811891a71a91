"""The 医疗救助申请审批表: the whole case on paper for the office's archive - applicant, household,
stays with each payer's share, the amount explained in words, and each level's opinion with who
gave it, when, and empty boxes for the handwritten signature and the seal."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from aidflow.audit.models import AuditAction
from aidflow.cases.choices import StageAction, Status
from aidflow.cases.models import Application, StageRecord
from aidflow.cases.selectors import application_get
from aidflow.notices.money import rmb_capitals
from aidflow.notices.paper import paper_pdf, paper_read
from aidflow.notices.services import NOT_CONFIGURED, authority_for
from aidflow.policy.models import CATEGORY_GROUP, CategoryGroup
from aidflow.policy.plain_words import amount_in_words, income_in_words, stay_remaining, yuan
from aidflow.policy.requests import ADULT_AGE, ELDERLY_AGE, RESIDENCE_NAMES
from aidflow.regions.stages import Stage

OPINION_TITLES = {
    Stage.VILLAGE_CHECK: "村级核查意见",
    Stage.TOWNSHIP_REVIEW: "乡镇审核意见",
    Stage.COUNTY_APPROVAL: "县级审批意见",
}
LEVEL_NAMES = {
    Stage.VILLAGE_CHECK: "村（居）委会",
    Stage.TOWNSHIP_REVIEW: "乡镇（街道）",
    Stage.COUNTY_APPROVAL: "县级民政部门",
}
# The actions that settle a stage (a return sends the case back; the stage is worked again later).
SETTLING = (StageAction.FORWARDED, StageAction.REJECTED, StageAction.APPROVED, StageAction.RETURNED)
RELATIONSHIPS = {"guardian": "监护人", "agent": "代理人"}
DELIVERY_METHODS = {"in_person": "直接送达", "post": "邮寄送达", "electronic": "电子送达"}


@dataclass
class Opinion:
    """One level's box on the form: its opinion in words, who gave it and when (empty while pending)."""

    stage: str
    title: str
    unit: str
    lines: list[str] = field(default_factory=list)
    person: str = ""
    day: object = None
    pending: str = ""
    # False where the level never had the case (withdrawn, or refused below): no lines to write on.
    applicable: bool = True


def _person(record: StageRecord) -> str:
    return record.actor.get_full_name() or record.actor.get_username()


def _day(record: StageRecord):
    return timezone.localtime(record.at).date()


def _missing(record: StageRecord) -> str:
    return "、".join(record.missing) if record.missing else ""


def _returned_line(record: StageRecord) -> str:
    missing = _missing(record)
    text = "退回补正" + (f"，需补充：{missing}" if missing else "") + "。"
    return text + (f"说明：{record.reasons}" if record.reasons else "")


def _village_lines(record: StageRecord) -> list[str]:
    lines = [f"核查情况：{record.findings}"] if record.findings else []
    if record.action == StageAction.FORWARDED:
        lines.append("经核查，同意上报乡镇（街道）审核。")
    else:
        lines.append(_returned_line(record))
    return lines


def _township_lines(record: StageRecord) -> list[str]:
    lines = []
    if record.visit_date:
        visit = f"入户调查：{record.visit_date.year}年{record.visit_date.month}月{record.visit_date.day}日"
        lines.append(visit + (f"，调查人员：{record.visitors}" if record.visitors else ""))
    if record.findings:
        lines.append(f"调查情况：{record.findings}")
    if record.action == StageAction.FORWARDED:
        lines.append("审核意见：符合救助条件，同意报县级民政部门审批。")
    elif record.action == StageAction.REJECTED:
        lines.append(f"审核意见：不符合救助条件，不予报送县级民政部门审批。理由：{record.reasons or '-'}")
    else:
        lines.append(_returned_line(record))
    return lines


def _county_lines(record: StageRecord, application: Application) -> list[str]:
    if record.action == StageAction.APPROVED:
        amount = record.amount if record.amount is not None else application.amount
        lines = [
            f"审批意见：同意给予{application.get_aid_type_display()}，救助金额{yuan(amount)}"
            f"（大写：{rmb_capitals(amount)}）。"
        ]
        for item in application.excluded_costs or []:
            lines.append(
                f"经复核，剔除第{int(item['stay']) + 1}次住院不合规费用{yuan(item['amount'])}"
                f"（{item.get('reason') or '-'}），救助金额按剔除后的费用核算。"
            )
        if record.override_reason:
            lines.append(
                f"核算金额{yuan(application.computed_amount)}，核定金额低于核算金额，理由：{record.override_reason}"
            )
        if record.reasons:
            lines.append(f"说明：{record.reasons}")
        return lines
    if record.action == StageAction.REJECTED:
        return [f"审批意见：不同意给予医疗救助。理由：{record.reasons or '-'}"]
    return [_returned_line(record)]


def _unit(application: Application, stage: str) -> str:
    name = authority_for(application, stage)["name"]
    if name == NOT_CONFIGURED:
        return application.village.parent.parent.name + "民政部门"
    return name


def opinions_of(application: Application, records: list[StageRecord]) -> tuple[list[Opinion], list[str]]:
    """Each level's box, and the returns and resubmissions in between as dated lines."""
    boxes = {stage: Opinion(stage, title, _unit(application, stage)) for stage, title in OPINION_TITLES.items()}
    latest = {}
    for record in records:
        if record.stage in boxes and record.action in SETTLING:
            latest[record.stage] = record
    shown = {record.pk for record in latest.values()}
    history = []
    for record in records:
        if record.pk in shown:
            continue
        if record.action == StageAction.RETURNED:
            level = LEVEL_NAMES.get(record.stage, record.get_stage_display())
            history.append(f"{_day(record):%Y-%m-%d} {level}{_returned_line(record)}（{_person(record)}）")
        elif record.action == StageAction.RESUBMITTED:
            note = f"：{record.findings}" if record.findings else ""
            history.append(f"{_day(record):%Y-%m-%d} 补正材料后重新提交{note}（{_person(record)}）")
    build = {
        Stage.VILLAGE_CHECK: _village_lines,
        Stage.TOWNSHIP_REVIEW: _township_lines,
        Stage.COUNTY_APPROVAL: lambda record: _county_lines(record, application),
    }
    for stage, record in latest.items():
        box = boxes[stage]
        box.lines, box.person, box.day = build[stage](record), _person(record), _day(record)
    _mark_pending(application, boxes, records)
    return list(boxes.values()), history


def _mark_pending(application: Application, boxes: dict, records: list[StageRecord]) -> None:
    withdrawn = next((record for record in records if record.action == StageAction.WITHDRAWN), None)
    refused_below = False
    for stage, box in boxes.items():
        if box.lines:
            refused_below = refused_below or any(line.startswith("审核意见：不符合") for line in box.lines)
            continue
        if withdrawn is not None:
            box.pending, box.applicable = f"申请人已于{_day(withdrawn):%Y-%m-%d}撤回申请，本级未办理。", False
        elif refused_below:
            box.pending, box.applicable = "乡镇（街道）审核认为不符合救助条件，未报送县级审批。", False
        elif application.stage == stage:
            box.pending = "正在本级办理，意见待签署。"
        else:
            box.pending = "待办理。"


def _delivery_line(application: Application, records: list[StageRecord]) -> str:
    delivery = next((record for record in reversed(records) if record.action == StageAction.DELIVERED), None)
    if delivery is None or delivery.delivered_on is None:
        return ""
    notice = application.notices.exclude(kind="supplement").order_by("-pk").first()
    method = DELIVERY_METHODS.get(delivery.delivery_method, delivery.get_delivery_method_display())
    what = f"{notice.get_kind_display()}{notice.number}" if notice else "决定书"
    day = delivery.delivered_on
    return f"{what}已于{day.year}年{day.month}月{day.day}日{method}，签收人：{delivery.recipient or '-'}。"


def _conditions(application: Application) -> str:
    filed = application.filing_date
    birth = application.birth_date
    age = filed.year - birth.year - ((filed.month, filed.day) < (birth.month, birth.day))
    found = []
    if age >= ELDERLY_AGE:
        found.append(f"老年人（{age}周岁）")
    elif age < ADULT_AGE:
        found.append(f"未成年人（{age}周岁）")
    if application.severely_disabled:
        found.append("重度残疾人")
    if application.seriously_ill:
        found.append("重病患者")
    return "、".join(found) or "无"


def _income_words(application: Application) -> str:
    policy = application.policy
    if policy is None or CATEGORY_GROUP.get(application.category) != CategoryGroup.LOW_INCOME:
        return ""
    rural = application.residence == "rural"
    return income_in_words(
        monthly_income=application.household_monthly_income,
        size=application.household_size,
        residence_name=RESIDENCE_NAMES.get(application.residence, ""),
        standard=policy.dibao_standard_rural if rural else policy.dibao_standard_urban,
        multiplier=policy.low_income_multiplier,
        standard_is_demo=bool(policy.content.get("dibao_standard_is_demo")),
    )


def application_form_context(application: Application) -> dict:
    stays = list(application.stays.all())
    stored = {item.get("index"): item for item in application.calculation.get("stays") or []}
    cuts = {}
    for item in application.excluded_costs or []:
        cuts[int(item["stay"])] = cuts.get(int(item["stay"]), Decimal("0")) + Decimal(item["amount"])
    rows = []
    for index, stay in enumerate(stays):
        facts = stored.get(index, {})
        rows.append(
            {
                "stay": stay,
                "cut": cuts.get(index),
                "remaining": facts.get("remaining") or stay_remaining(stay, cuts.get(index, Decimal("0"))),
                "counted": facts.get("counted", facts.get("in_window", True)),
                "late": not facts.get("in_window", True),
            }
        )
    records = list(application.records.select_related("actor").order_by("at", "pk"))
    opinions, history = opinions_of(application, records)
    filed = next((record for record in records if record.action == StageAction.FILED), None)
    delivery = _delivery_line(application, records)
    if delivery:
        decided = next((box for box in reversed(opinions) if box.lines), None)
        if decided is not None:
            decided.lines.append(f"送达：{delivery}")
    return {
        "application": application,
        "members": list(application.members.all()),
        "rows": rows,
        "words": amount_in_words(
            stays=stays, calculation=application.calculation, excluded_costs=application.excluded_costs
        ),
        "income_words": _income_words(application),
        "conditions": _conditions(application),
        "relationship": RELATIONSHIPS.get(application.applicant_relationship, ""),
        "opinions": opinions,
        "history": history,
        "filed_by": _person(filed) if filed else "",
        "approved": application.status == Status.APPROVED and application.amount is not None,
        "refused": application.status == Status.REJECTED,
        "capitals": rmb_capitals(application.amount) if application.amount is not None else "",
        "withdrawn": application.status == Status.WITHDRAWN,
        "printed_on": timezone.localdate(),
    }


def application_form_pdf(*, user, pk) -> tuple[Application, bytes]:
    """The form of a case the user may see (NotFound otherwise); the print is recorded as a read."""
    application = application_get(user=user, pk=pk)
    data = paper_pdf("notices/application_form.html", application_form_context, application)
    paper_read(user=user, application=application, action=AuditAction.APPLICATION_FORM_PRINTED)
    return application, data


def application_form_filename(application: Application) -> str:
    return f"{application.number}-申请审批表.pdf"
