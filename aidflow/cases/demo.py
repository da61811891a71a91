"""Demo applications in every stage, filed and moved on through the real services."""

from __future__ import annotations

import datetime

import time_machine
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from aidflow.cases.models import Application
from aidflow.cases.selectors import open_task
from aidflow.cases.services.deadlines import deadlines_sweep
from aidflow.cases.services.documents import UploadedDocument
from aidflow.cases.services.filing import application_file
from aidflow.cases.services.tasks import task_complete
from aidflow.core.identity import check_character
from aidflow.notices.tasks import render_pending_notices
from aidflow.regions.codes import county_of, township_of
from aidflow.rolls.referrals import referral_record


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
    hospital: tuple, days_ago: int, length: int, eligible: str, basic: str, serious: str, diagnosis: tuple
) -> dict:
    discharge = _discharge(days_ago)
    admission = discharge - datetime.timedelta(days=length)
    return {
        "hospital": hospital[0],
        "hospital_code": hospital[1],
        "hospital_level": hospital[2],
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
    applicant = {"name": name, "id_number": id_number, "phone": "13905340000"}
    patient = {"id_number": id_number, "severely_disabled": False, "seriously_ill": True}
    payee_name, payee_id = name, id_number
    guardian = GUARDIANS.get(name)
    if guardian is not None:
        # A parent applies for a child (seed 002 line ~1796: 患者本人或其监护人).
        guardian_name, guardian_birth, guardian_order = guardian
        guardian_id = demo_id(id_number[:6], guardian_birth, guardian_order)
        applicant = {
            "name": guardian_name,
            "id_number": guardian_id,
            "phone": "13905341111",
            "relationship": "guardian",
        }
        patient["name"] = name
        payee_name, payee_id = guardian_name, guardian_id
    return {
        "region": village,
        "applicant": applicant,
        "category": "low_income",
        "aid_type": "major_disease",
        "patient": patient,
        "household": {"size": size, "monthly_income": income, "residence": "rural"},
        "stays": stays,
        # A made-up 惠民惠农一卡通 account for the payment demo.
        "payee": {
            "name": payee_name,
            "bank": "德州农村商业银行（演示）",
            "account": "622319" + payee_id[-12:-1].ljust(11, "0"),
        },
    }


# The demo register (aidflow/rolls/data/hospitals-demo.csv): the city's hospital in 德城区 needs a
# referral on file for patients of other counties; each county's own hospital does not.
CITY_HOSPITAL = ("德州市人民医院", "DEMO-371402-001", 3)
COUNTY_HOSPITAL = ("陵城区人民医院", "DEMO-371403-001", 2)
# Patients for whom a parent applies: (guardian's name, birth date, ID order).
GUARDIANS = {"张小军": ("张海涛", datetime.date(1984, 7, 9), "037")}


# (filing clerk, village, applicant, ID area, birth, order, how far to take it)
DEMO_CASES = [
    ("clerk_beijie", "371403105201", "王秀英", "371403", datetime.date(1952, 4, 18), "022", "village_check"),
    ("clerk_beijie", "371403105201", "李长河", "371403", datetime.date(1948, 9, 2), "013", "township_review"),
    ("clerk_laoli", "371403105202", "张淑芬", "371403", datetime.date(1958, 1, 30), "044", "county_approval"),
    ("clerk_laoli", "371403105202", "刘建军", "371403", datetime.date(1961, 6, 11), "031", "supplement"),
    ("clerk_beijie", "371403105201", "赵玉兰", "371403", datetime.date(1950, 12, 5), "062", "notice_delivery"),
    ("clerk_beijie", "371403105201", "孙德明", "371403", datetime.date(1945, 3, 27), "015", "closed"),
    ("clerk_laoli", "371403105202", "周桂香", "371403", datetime.date(1956, 8, 8), "028", "rejected"),
    ("clerk_laoli", "371403105202", "张小军", "371403", datetime.date(2016, 5, 20), "033", "guardian"),
    ("clerk_nanyoufang", "371426102201", "陈国栋", "371426", datetime.date(1949, 11, 19), "017", "village_check"),
    ("clerk_nanyoufang", "371426102201", "杨秀珍", "371426", datetime.date(1953, 2, 14), "046", "county_approval"),
]


# How many days before the seeding each demo case was filed. Each case is then played on its own days
# (the clock moved by time-machine), so its dates agree with its stage clocks: the township review
# filed 12 days ago is overdue, and a home visit on any day since the filing is a valid date.
FILED_DAYS_AGO = {
    "village_check": 1,
    "township_review": 12,
    "county_approval": 6,
    "supplement": 5,
    "notice_delivery": 8,
    "closed": 14,
    "rejected": 9,
    "guardian": 4,
}


VISITS = {
    "supplement": {
        "decision": "return",
        "visitors": "刘志强、村委会主任",
        "findings": "入户核实家庭情况，缺少住院费用结算单原件。",
        "reasons": "请补充住院费用结算单原件。",
        "missing": ["住院费用结算单原件"],
    },
    "rejected": {
        "decision": "reject",
        "visitors": "刘志强",
        "findings": "入户核实：家庭另有经营收入，人均收入超过低保标准的1.3倍。",
        "reasons": "家庭人均收入高于当地低保标准1.3倍，不符合低收入人员救助条件。",
    },
}
FORWARD_VISIT = {
    "decision": "forward",
    "visitors": "刘志强、村委会主任",
    "findings": "入户核实：家庭3人，务农为主，无商业保险，无社会帮扶。情况属实。",
}
# The steps after filing that take a case to its stage: (days after filing, who, payload).
STEPS_TO = {
    "village_check": [],
    "township_review": ["village"],
    "county_approval": ["village", "visit"],
    "supplement": ["village", "visit"],
    "rejected": ["village", "visit"],
    "notice_delivery": ["village", "visit", "approve"],
    "closed": ["village", "visit", "approve", "deliver"],
    # A parent's application for a child, waiting for the county.
    "guardian": ["village", "visit"],
}


def _steps(target: str, name: str, clerk, reviewer, approver) -> list[tuple[int, object, object]]:
    """(days after filing, user, payload for the day) of each step that takes a case to `target`."""
    steps = {
        "village": (1, clerk, lambda day: {"decision": "forward", "findings": "材料齐全，经核实属实。"}),
        "visit": (3, reviewer, lambda day: {**VISITS.get(target, FORWARD_VISIT), "visit_date": day.isoformat()}),
        "approve": (5, approver, lambda day: {"decision": "approve"}),
        "deliver": (
            7,
            reviewer,
            lambda day: {"delivered_on": day.isoformat(), "method": "in_person", "recipient": name},
        ),
    }
    return [steps[step] for step in STEPS_TO[target]]


def seed_demo_applications(stdout) -> None:
    """File the demo cases once; a second run finds them and does nothing.

    Every case is filed on its own day in the past and moved on a day or two at a time, through the
    real services; the steps of all cases run in the order of their days, so the audit log reads in
    time order too."""
    users = {user.username: user for user in get_user_model().objects.all()}
    if Application.objects.filter(filed_by__username__in=[case[0] for case in DEMO_CASES]).exists():
        stdout.write("Demo applications: already there.")
        return
    reviewer = {"371403105": users["reviewer_shentou"], "371426102": users["reviewer_qiancao"]}
    approver = {"371403": users["approver_lingcheng"], "371426": users["approver_pingyuan"]}
    now = timezone.localtime()
    events = []  # (moment, case index, what to do)
    cases: dict[int, Application] = {}
    for index, (clerk_name, village, name, area, birth, order, target) in enumerate(DEMO_CASES):
        clerk = users[clerk_name]
        stays = [_stay(CITY_HOSPITAL, 40, 14, "52000.00", "30000.00", "5000.00", ("肺恶性肿瘤", "C34.9"))]
        if target == "guardian":
            stays = [_stay(CITY_HOSPITAL, 30, 21, "68000.00", "42000.00", "8000.00", ("急性淋巴细胞白血病", "C91.0"))]
        if target in ("village_check", "closed"):
            stays.append(
                _stay(COUNTY_HOSPITAL, LATEST_DISCHARGE_DAYS_AGO, 8, "9000.00", "6500.00", "0.00", ("脑梗死", "I63.9"))
            )
        if name == "李长河":
            # A settlement bill whose basic-insurance figure is far too low: the reviewers are warned.
            stays.append(
                _stay(COUNTY_HOSPITAL, LATEST_DISCHARGE_DAYS_AGO, 6, "8200.00", "800.00", "0.00", ("肺炎", "J18.9"))
            )
        filed = (now - datetime.timedelta(days=FILED_DAYS_AGO[target])).replace(
            hour=9, minute=index * 5, second=0, microsecond=0
        )
        data = _filing(village, name, demo_id(area, birth, order), "1200.00", 3, stays)
        data["filing_date"] = filed.date().isoformat()
        events.append((filed - datetime.timedelta(minutes=2), index, ("refer", clerk, data)))
        events.append((filed, index, ("file", clerk, data)))
        for days, user, payload in _steps(
            target, name, clerk, reviewer[township_of(village)], approver[county_of(village)]
        ):
            events.append((filed + datetime.timedelta(days=days, hours=1), index, ("step", user, payload)))
    for moment, index, (kind, user, data) in sorted(events, key=lambda event: (event[0], event[1])):
        with time_machine.travel(moment, tick=False):
            if kind == "refer":
                _referrals_record(user, data)
                continue
            if kind == "file":
                cases[index] = application_file(user=user, data=data, documents=_documents(data))
                continue
            task = open_task(cases[index])
            cases[index] = task_complete(user=user, task_id=task.pk, payload=data(moment.date()))
            # The demo runs in one transaction, so its notices are rendered here, not after commit.
            render_pending_notices(older_than_seconds=0)
    result = deadlines_sweep()
    stdout.write(
        f"Demo applications: {len(DEMO_CASES)} filed over the last {max(FILED_DAYS_AGO.values())} days, in every "
        f"stage ({result.escalations} overdue escalated, {result.reminders} reminders sent)."
    )


def _referrals_record(clerk, data: dict) -> None:
    """The referral each out-of-county stay needs on file (转诊备案), dated the day of admission and
    recorded by the village clerk as the materials come in."""
    patient = data["patient"]
    name = patient.get("name") or data["applicant"]["name"]
    for stay in data["stays"]:
        if stay["hospital_code"] != CITY_HOSPITAL[1]:
            continue
        admitted = datetime.date.fromisoformat(stay["admission_date"])
        referral_record(
            user=clerk,
            data={
                "id_number": patient["id_number"],
                "name": name,
                "to_hospital_code": stay["hospital_code"],
                "date": admitted.isoformat(),
                "diagnosis": stay["diagnosis"],
            },
        )


def _documents(data: dict) -> list[UploadedDocument]:
    documents = [
        UploadedDocument("id_card", SimpleUploadedFile("身份证.pdf", DEMO_PDF)),
        UploadedDocument("diagnosis", SimpleUploadedFile("诊断证明.pdf", DEMO_PDF)),
        UploadedDocument("settlement_bill", SimpleUploadedFile("结算单.pdf", DEMO_PDF)),
    ]
    if data["applicant"].get("relationship") == "guardian":
        documents.append(UploadedDocument("guardianship_proof", SimpleUploadedFile("户口簿.pdf", DEMO_PDF)))
    return documents
