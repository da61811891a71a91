"""Demo applications in every stage, filed and moved on through the real services."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from aidflow.calendars.services import due_date
from aidflow.cases.models import Application, StageClock
from aidflow.cases.selectors import open_task
from aidflow.cases.services.deadlines import deadlines_sweep
from aidflow.cases.services.documents import UploadedDocument
from aidflow.cases.services.filing import application_file
from aidflow.cases.services.tasks import task_complete
from aidflow.core.identity import check_character
from aidflow.notices.tasks import render_pending_notices
from aidflow.regions.codes import county_of, township_of


# A tiny but well-formed PDF standing in for scanned materials.
def _demo_pdf() -> bytes:
    """A one-page PDF standing in for a scanned certificate (uploads are parsed, so it is a real one)."""
    import io

    from pypdf import PdfWriter

    writer, out = PdfWriter(), io.BytesIO()
    writer.add_blank_page(width=595, height=842)
    writer.write(out)
    return out.getvalue()


DEMO_PDF = _demo_pdf()


def demo_id(area: str, birth: datetime.date, order: str) -> str:
    first17 = f"{area}{birth:%Y%m%d}{order}"
    return first17 + check_character(first17)


LATEST_DISCHARGE_DAYS_AGO = 20


def _discharge(days_ago: int) -> datetime.date:
    """`days_ago` before today, but never in an earlier medical year than the latest demo stay:
    one application's stays belong to one year, whatever day the demo is seeded."""
    today = timezone.localdate()
    latest = today - datetime.timedelta(days=LATEST_DISCHARGE_DAYS_AGO)
    return max(today - datetime.timedelta(days=days_ago), datetime.date(latest.year, 1, 1))


def _stay(
    hospital: str, level: int, days_ago: int, length: int, eligible: str, basic: str, serious: str, diagnosis: tuple
) -> dict:
    discharge = _discharge(days_ago)
    admission = discharge - datetime.timedelta(days=length)
    return {
        "hospital": hospital,
        "hospital_level": level,
        "diagnosis": diagnosis[0],
        "icd10": diagnosis[1],
        "admission_date": admission.isoformat(),
        "discharge_date": discharge.isoformat(),
        "total_cost": str(round(float(eligible) * 1.12, 2)),
        "eligible_cost": eligible,
        "basic_insurance": basic,
        "serious_illness_insurance": serious,
        "other_insurance": "0.00",
        "charity": "0.00",
    }


def _filing(village: str, name: str, id_number: str, income: str, size: int, stays: list[dict]) -> dict:
    return {
        "region": village,
        "applicant": {"name": name, "id_number": id_number, "phone": "13905340000"},
        "category": "low_income",
        "aid_type": "major_disease",
        "patient": {"id_number": id_number, "severely_disabled": False, "seriously_ill": True},
        "household": {"size": size, "monthly_income": income, "residence": "rural"},
        "stays": stays,
        # A made-up 惠民惠农一卡通 account for the payment demo.
        "payee": {
            "name": name,
            "bank": "德州农村商业银行（演示）",
            "account": "622319" + id_number[-12:-1].ljust(11, "0"),
        },
    }


# (filing clerk, village, applicant, ID area, birth, order, how far to take it)
DEMO_CASES = [
    ("clerk_beijie", "371403105201", "王秀英", "371403", datetime.date(1952, 4, 18), "022", "village_check"),
    ("clerk_beijie", "371403105201", "李长河", "371403", datetime.date(1948, 9, 2), "013", "township_review"),
    ("clerk_laoli", "371403105202", "张淑芬", "371403", datetime.date(1958, 1, 30), "044", "county_approval"),
    ("clerk_laoli", "371403105202", "刘建军", "371403", datetime.date(1961, 6, 11), "031", "supplement"),
    ("clerk_beijie", "371403105201", "赵玉兰", "371403", datetime.date(1950, 12, 5), "062", "notice_delivery"),
    ("clerk_beijie", "371403105201", "孙德明", "371403", datetime.date(1945, 3, 27), "015", "closed"),
    ("clerk_laoli", "371403105202", "周桂香", "371403", datetime.date(1956, 8, 8), "028", "rejected"),
    ("clerk_nanyoufang", "371426102201", "陈国栋", "371426", datetime.date(1949, 11, 19), "017", "village_check"),
    ("clerk_nanyoufang", "371426102201", "杨秀珍", "371426", datetime.date(1953, 2, 14), "046", "county_approval"),
]


def seed_demo_applications(stdout) -> None:
    """File the demo cases once; a second run finds them and does nothing."""
    users = {user.username: user for user in get_user_model().objects.all()}
    if Application.objects.filter(filed_by__username__in=[case[0] for case in DEMO_CASES]).exists():
        stdout.write("Demo applications: already there.")
        return
    reviewer = {"371403105": users["reviewer_shentou"], "371426102": users["reviewer_qiancao"]}
    approver = {"371403": users["approver_lingcheng"], "371426": users["approver_pingyuan"]}
    today = timezone.localdate().isoformat()
    for clerk_name, village, name, area, birth, order, target in DEMO_CASES:
        clerk = users[clerk_name]
        stays = [_stay("德州市人民医院", 3, 40, 14, "52000.00", "30000.00", "5000.00", ("肺恶性肿瘤", "C34.9"))]
        if target in ("village_check", "closed"):
            stays.append(
                _stay(
                    "陵城区人民医院", 2, LATEST_DISCHARGE_DAYS_AGO, 8, "9000.00", "6500.00", "0.00", ("脑梗死", "I63.9")
                )
            )
        documents = [
            UploadedDocument("id_card", SimpleUploadedFile("身份证.pdf", DEMO_PDF)),
            UploadedDocument("diagnosis", SimpleUploadedFile("诊断证明.pdf", DEMO_PDF)),
            UploadedDocument("settlement_bill", SimpleUploadedFile("结算单.pdf", DEMO_PDF)),
        ]
        application = application_file(
            user=clerk,
            data=_filing(village, name, demo_id(area, birth, order), "1200.00", 3, stays),
            documents=documents,
        )
        the_reviewer = reviewer[township_of(village)]
        the_approver = approver[county_of(village)]

        def step(user, payload):
            nonlocal application
            application = task_complete(user=user, task_id=open_task(application).pk, payload=payload)

        if target == "village_check":
            continue
        step(clerk, {"decision": "forward", "findings": "材料齐全，经核实属实。"})
        if target == "township_review":
            continue
        if target == "supplement":
            step(
                the_reviewer,
                {
                    "decision": "return",
                    "visit_date": today,
                    "visitors": "刘志强、村委会主任",
                    "findings": "入户核实家庭情况，缺少住院费用结算单原件。",
                    "reasons": "请补充住院费用结算单原件。",
                    "missing": ["住院费用结算单原件"],
                },
            )
            continue
        if target == "rejected":
            step(
                the_reviewer,
                {
                    "decision": "reject",
                    "visit_date": today,
                    "visitors": "刘志强",
                    "findings": "入户核实：家庭另有经营收入，人均收入超过低保标准的1.3倍。",
                    "reasons": "家庭人均收入高于当地低保标准1.3倍，不符合低收入人员救助条件。",
                },
            )
            continue
        step(
            the_reviewer,
            {
                "decision": "forward",
                "visit_date": today,
                "visitors": "刘志强、村委会主任",
                "findings": "入户核实：家庭3人，务农为主，无商业保险，无社会帮扶。情况属实。",
            },
        )
        if target == "county_approval":
            continue
        step(the_approver, {"decision": "approve"})
        if target == "notice_delivery":
            continue
        # The demo runs in one transaction, so its notices are rendered here, not after commit.
        render_pending_notices(older_than_seconds=0)
        step(the_reviewer, {"delivered_on": today, "method": "in_person", "recipient": name})
    _backdate_one_township_review()
    result = deadlines_sweep()
    stdout.write(
        f"Demo applications: {len(DEMO_CASES)} filed, in every stage; one township review is overdue "
        f"({result.escalations} escalation, {result.reminders} reminders sent)."
    )


def _backdate_one_township_review() -> None:
    """Make the demo's township review 10 days old, so the township's inbox shows a late case."""
    clock = StageClock.objects.filter(stage="township_review", outcome="open").order_by("pk").first()
    if clock is None:
        return
    received = clock.received_at - datetime.timedelta(days=10)
    due = due_date(received=received, days=clock.days, counting=clock.counting)
    StageClock.objects.filter(pk=clock.pk).update(received_at=received, due_date=due.date, provisional=due.provisional)
    Application.objects.filter(pk=clock.application_id).update(
        stage_received_at=received, stage_due_date=due.date, stage_due_provisional=due.provisional
    )
