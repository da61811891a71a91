"""Demo settlements for seed_demo: the window of 陵城区人民医院 settled two key recipients last month
and two this month (the README's story, checked by tests/test_readme_demo.py). Last month's were
claimed - with the earlier months' settlements of 陵城区's own recipients - and the claim approved;
this month's wait to be claimed. Dated by the calendar month, so the story holds on any day."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from aidflow.regions.codes import county_of
from aidflow.rolls.models import Referral, RollPeriod
from aidflow.rolls.referrals import referral_record
from aidflow.settlements.models import Settlement
from aidflow.settlements.services.claiming import claim_review, claim_submit
from aidflow.settlements.services.window import settlement_record

LAST_MONTH, THIS_MONTH = "last_month", "this_month"
# (roll ID number, name, discharged when: (last month, on the day) or (this month, days ago - never
#  before the 1st), days in hospital, aid type, diagnosis, ICD-10, total, compliant, basic insurance,
#  serious-illness insurance), all on the demo roll.
DEMO_SETTLEMENTS = [
    (
        "371403194603090150",
        "孙玉梅",
        (LAST_MONTH, 8),
        9,
        "hospitalization",
        "社区获得性肺炎",
        "J18.9",
        "12600.00",
        "11800.00",
        "7400.00",
        "0.00",
    ),
    (
        "37140319550721033X",
        "赵金海",
        (LAST_MONTH, 20),
        12,
        "major_disease",
        "急性心肌梗死",
        "I21.9",
        "68000.00",
        "61000.00",
        "38000.00",
        "9000.00",
    ),
    (
        "37140320121002047X",
        "李小雨",
        (THIS_MONTH, 2),
        6,
        "hospitalization",
        "急性阑尾炎",
        "K35.8",
        "9800.00",
        "9100.00",
        "6100.00",
        "0.00",
    ),
    (
        "371426194908160265",
        "周凤英",
        (THIS_MONTH, 1),
        10,
        "hospitalization",
        "脑梗死",
        "I63.9",
        "15200.00",
        "14000.00",
        "8800.00",
        "0.00",
    ),
]


# Earlier months of the year, so the monthly statistics have a history to chart: (roll ID number,
# name, aid type, diagnosis, ICD-10, compliant cost).
HISTORY = [
    ("371403194603090150", "孙玉梅", "hospitalization", "高血压病", "I10", "3200.00"),
    ("37140319550721033X", "赵金海", "hospitalization", "慢性阻塞性肺病", "J44.9", "4100.00"),
    ("37140320121002047X", "李小雨", "hospitalization", "支气管肺炎", "J18.0", "2600.00"),
    ("371426194908160265", "周凤英", "hospitalization", "2型糖尿病", "E11.9", "3600.00"),
]


def _history(today: datetime.date) -> list[tuple]:
    """One settlement in every month of this year before last month (earlier stays are outside the
    claim window), on the 12th, the people taking turns."""
    rows = []
    for back in range(today.month - 1, 1, -1):
        month = today.month - back
        discharge = datetime.date(today.year, month, 12)
        id_number, name, aid_type, diagnosis, icd10, compliant = HISTORY[back % len(HISTORY)]
        total = f"{float(compliant) * 1.1:.2f}"
        basic = f"{float(compliant) * 0.6:.2f}"
        rows.append((id_number, name, discharge, 5, aid_type, diagnosis, icd10, total, compliant, basic, "0.00"))
    return rows


def last_month(today: datetime.date) -> datetime.date:
    """The first day of the month before `today`'s (in December of last year in January)."""
    return (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def _discharged(today: datetime.date, when: tuple[str, int]) -> datetime.date:
    month, number = when
    if month == LAST_MONTH:
        return last_month(today).replace(day=number)
    return max(today - datetime.timedelta(days=number), today.replace(day=1))


def _referral(referrer, hospital, id_number: str, name: str, admitted: datetime.date, diagnosis: str) -> None:
    """A recipient of another county is treated here on a referral that county's village recorded
    (转诊备案): without it the stay would not count (INTERFACES section 11)."""
    period = RollPeriod.objects.filter(id_number=id_number).order_by("-valid_from").first()
    if period is None or county_of(period.region) == hospital.county_id:
        return
    if Referral.objects.filter(id_number=id_number, to_hospital=hospital, date=admitted).exists():
        return
    referral_record(
        user=referrer,
        data={
            "id_number": id_number,
            "name": name,
            "to_hospital_code": hospital.code,
            "date": admitted.isoformat(),
            "diagnosis": diagnosis,
        },
    )


def seed_demo_settlements(stdout, *, hospital_clerk: str, approver: str, referrer: str) -> None:
    """Settle, claim and review once; a second run finds the settlements and does nothing."""
    users = get_user_model().objects.in_bulk([hospital_clerk, approver, referrer], field_name="username")
    clerk = users[hospital_clerk]
    if Settlement.objects.filter(hospital_id=clerk.staff.hospital_id).exists():
        stdout.write("Demo settlements: already there.")
        return
    today = timezone.localdate()
    recent = [(row[0], row[1], _discharged(today, row[2]), *row[3:]) for row in DEMO_SETTLEMENTS]
    for row in [*_history(today), *recent]:
        id_number, name, discharge, length, aid_type, diagnosis, icd10, total, compliant, basic, serious = row
        admitted = discharge - datetime.timedelta(days=length)
        _referral(users[referrer], clerk.staff.hospital, id_number, name, admitted, diagnosis)
        settlement_record(
            user=clerk,
            data={
                "patient": {"id_number": id_number, "name": name, "insured": True},
                "aid_type": aid_type,
                "stay": {
                    "admission_date": admitted.isoformat(),
                    "discharge_date": discharge.isoformat(),
                    "total_cost": total,
                    "eligible_cost": compliant,
                    "basic_insurance": basic,
                    "serious_illness_insurance": serious,
                    "other_insurance": "0.00",
                    "charity": "0.00",
                    "diagnosis": diagnosis,
                    "icd10": icd10,
                },
            },
        )
    # Last month's claim (with every earlier settlement of the county's recipients): approved; this
    # month's settlements wait.
    month = last_month(today).strftime("%Y-%m")
    claim = claim_submit(user=clerk, data={"month": month})
    claim_review(user=users[approver], claim=claim, data={"decision": "approve", "reasons": "审核无误"})
    stdout.write(
        f"Demo settlements: {Settlement.objects.count()} settled; claim {claim.number} for {month} approved "
        f"({claim.count} settlements)."
    )
