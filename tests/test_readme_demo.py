"""The README's demo story is what `seed_demo` makes: the two paragraphs of README.md that tell it
("The demo has four settlements ..." and "Every demo stay at ...") are read sentence by sentence, the
names, numbers and places taken from the text, and each claim checked against the seeded data - so
the test fails when the README and the demo drift apart, whichever of the two changed. Dated by the
calendar, it holds on any day (CI also runs it on 10 January, when last month is in another year)."""

from __future__ import annotations

import datetime
import html
import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from aidflow.cases.models import Application
from aidflow.payments.models import BatchStatus, LineKind, LineStatus, PaymentBatch
from aidflow.regions.codes import county_of, township_of
from aidflow.regions.models import Level, Region, StaffProfile
from aidflow.reports.models import MonthlyReport
from aidflow.rolls.models import Hospital, Referral, RollPeriod
from aidflow.settlements.models import ClaimStatus, Settlement, SettlementClaim, SettlementStatus

pytestmark = pytest.mark.django_db
README = Path(__file__).resolve().parent.parent / "README.md"
NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4}
# What the README says in English about a failed line, and the words the bank's reason must hold.
FAILURES = {"account frozen": "冻结"}
NAME = r"[^\s'()]+"
# The story's sentences, in the README's order (white space collapsed).
SENTENCES = [
    re.compile(
        rf"The demo has (?P<count>\w+) settlements at (?P<hospital>{NAME}) in two months: last month's "
        rf"(?P<last>\w+) claimed and approved \(the claim also takes the settlements of (?P<county>{NAME})'s own "
        rf"recipients from the earlier months\), this month's (?P<this>\w+) waiting \(one of them a "
        rf"(?P<other>{NAME}) recipient, paid by (?P<payer>{NAME})\)\."
    ),
    re.compile(
        rf"Settlements in every earlier month of the year give the charts a history, and (?P<signed>{NAME})'s "
        r"last month is signed off\."
    ),
    re.compile(
        rf"Its payments: batch `FF-(?P<county>\d{{6}})-<year>-(?P<first>\d{{4}})` paid (?P<paid>{NAME})'s "
        rf"approved aid and the hospital's claim and came back with (?P<failed>{NAME})'s line failed "
        r"\((?P<why>[^)]+)\); with her account corrected she waits in the batch `\.\.\.-(?P<second>\d{4})`, "
        rf"prepared by (?P<preparer>{NAME}) and awaiting the second signature of (?P<signer>{NAME})\."
    ),
    re.compile(rf"Follow (?P<who>{NAME})'s case from the county's decision to \"(?P<shown>[^\"]+)\" on its page\."),
    re.compile(
        rf"Every demo stay at (?P<hospital>{NAME}) \((?P<district>{NAME})\) counts on a referral its village clerk "
        rf"recorded \(\*转诊备案\*\), and (?P<patient>{NAME}) of (?P<home>{NAME}) is treated in (?P<there>{NAME}) "
        rf"on one; (?P<guardian>{NAME}) applies for his son (?P<child>{NAME}) as his guardian \(the case waits "
        rf"for the county\); (?P<warned>{NAME})'s second stay carries a basic-insurance figure far too low, and "
        r"the township and the county see the warning\."
    ),
    re.compile(
        r"`tests/test_readme_demo\.py` seeds the demo and checks these two paragraphs against it, sentence by "
        r"sentence, on any day of the year\."
    ),
]


def story() -> list[dict]:
    """The two paragraphs, each sentence matched by its pattern: a sentence added, removed or reworded
    fails here, before any data is looked at."""
    text = README.read_text(encoding="utf-8")
    start = text.index("The demo has ")
    first_end = text.index("\n\n", start)
    end = text.index("\n\n", first_end + 2)
    sentences = re.split(r"(?<=\.)\s+(?=[A-Z`])", " ".join(text[start:end].split()))
    assert len(sentences) == len(SENTENCES), sentences
    found = []
    for sentence, pattern in zip(sentences, SENTENCES, strict=True):
        match = pattern.fullmatch(sentence)
        assert match is not None, f"the README's sentence no longer reads as the test knows it: {sentence}"
        found.append(match.groupdict())
    return found


def region_code(name: str, level: str = Level.COUNTY) -> str:
    return Region.objects.get(name=name, level=level).code


def month_of(day: datetime.date) -> str:
    return day.strftime("%Y-%m")


def visible_text(response) -> str:
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def page_of(user, application) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(f"/workbench/applications/{application.pk}/")
    assert response.status_code == 200
    return visible_text(response)


def staff(role: str, region: str):
    return StaffProfile.objects.select_related("user").get(role=role, region_id=region).user


def check_settlements(told: dict, today: datetime.date) -> SettlementClaim:
    hospital = Hospital.objects.get(name=told["hospital"])
    county, payer = region_code(told["county"]), region_code(told["payer"])
    last_month = month_of(today.replace(day=1) - datetime.timedelta(days=1))
    settlements = list(Settlement.objects.filter(hospital=hospital).order_by("discharge_date"))
    last = [s for s in settlements if month_of(s.discharge_date) == last_month]
    this = [s for s in settlements if month_of(s.discharge_date) == month_of(today)]
    assert NUMBERS[told["count"]] == NUMBERS[told["last"]] + NUMBERS[told["this"]] == len(last) + len(this)
    assert len(last) == NUMBERS[told["last"]] and len(this) == NUMBERS[told["this"]]
    # Last month's: claimed, in the one claim there is, for last month, and approved.
    claim = SettlementClaim.objects.get()
    assert (claim.month, claim.status, claim.county, claim.hospital) == (
        last_month,
        ClaimStatus.APPROVED,
        county,
        hospital,
    )
    assert all(s.claim_id == claim.pk and s.status == SettlementStatus.APPROVED for s in last)
    # ... with every earlier settlement of the county's own recipients, and nothing else.
    earlier = [s.pk for s in settlements if s.county == county and month_of(s.discharge_date) <= last_month]
    assert sorted(claim.settlements.values_list("pk", flat=True)) == sorted(earlier)
    # This month's wait; one of them is another county's recipient, that county pays.
    assert all(s.status == SettlementStatus.SETTLED and s.claim_id is None for s in this)
    others = [s for s in this if s.county != hospital.county_id]
    assert len(others) == 1 and others[0].county == payer == region_code(told["other"])
    assert county_of(RollPeriod.objects.filter(id_number=others[0].id_number).first().region) == payer
    return claim


def check_history_and_ledger(told: dict, today: datetime.date) -> None:
    months = {month_of(day) for day in Settlement.objects.values_list("discharge_date", flat=True)}
    for month in range(1, today.month - 1):
        assert f"{today.year}-{month:02d}" in months, f"no settlement in {today.year}-{month:02d}"
    last_month = month_of(today.replace(day=1) - datetime.timedelta(days=1))
    report = MonthlyReport.objects.get(region=region_code(told["signed"]), month=last_month)
    assert report.signed_by.username == "approver_lingcheng" and len(report.sha256) == 64


def check_payments(told: dict, claim: SettlementClaim, today: datetime.date) -> Application:
    year = today.year
    batches = list(PaymentBatch.objects.order_by("number"))
    first, second = (f"FF-{told['county']}-{year}-{told[key]}" for key in ("first", "second"))
    assert [batch.number for batch in batches] == [first, second]
    closed, open_ = batches
    assert (closed.status, open_.status) == (BatchStatus.CLOSED, BatchStatus.PREPARED)
    assert closed.approved_by != closed.created_by and closed.approved_by.username == told["signer"]
    assert open_.created_by.username == told["preparer"] and open_.approved_by is None
    lines = {
        (line.kind, line.application.applicant_name if line.application else line.claim.number): line
        for line in closed.lines.select_related("application", "claim")
    }
    paid = lines.pop((LineKind.APPLICATION, told["paid"]))
    hospital = lines.pop((LineKind.CLAIM, claim.number))
    failed = lines.pop((LineKind.APPLICATION, told["failed"]))
    assert lines == {}, f"lines the README does not tell of: {list(lines)}"
    assert paid.status == hospital.status == LineStatus.PAID and paid.paid_on == hospital.paid_on == today
    assert failed.status == LineStatus.FAILED and FAILURES[told["why"]] in failed.reason
    (waiting,) = open_.lines.select_related("application")
    assert waiting.application == failed.application and waiting.status == LineStatus.PENDING
    assert waiting.account != failed.account  # her account corrected
    return paid.application


def check_followed_case(told: dict, paid: Application, today: datetime.date) -> None:
    application = Application.objects.get(applicant_name=told["who"])
    assert application == paid and application.status == "approved"
    assert application.records.filter(stage="county_approval", action="approved").exists()
    shown = told["shown"].replace("<year>", str(today.year)).replace("<date>", today.isoformat())
    assert shown in page_of(application.filed_by, application)


def check_referrals(told: dict) -> None:
    city = Hospital.objects.get(name=told["hospital"])
    assert Region.objects.get(code=city.county_id).name == told["district"]
    stays = [
        stay
        for application in Application.objects.prefetch_related("stays")
        for stay in application.stays.all()
        if stay.hospital_code == city.code
    ]
    assert stays
    for stay in stays:
        application = stay.application
        counted = application.calculation["stays"][stay.index]
        assert counted["counted"], (application.number, stay.index)
        assert Referral.objects.filter(
            id_number=application.id_number,
            to_hospital=city,
            date__lte=stay.admission_date,
            recorded_by=application.filed_by,
        ).exists(), application.number
    # The other county's recipient, treated in this county on a referral.
    home, there = region_code(told["home"]), region_code(told["there"])
    treated = Settlement.objects.filter(name=told["patient"], hospital__county_id=there)
    assert treated.exists() and all(settlement.county == home for settlement in treated)
    for settlement in treated:
        referral = Referral.objects.filter(
            id_number=settlement.id_number, to_hospital=settlement.hospital, date__lte=settlement.admission_date
        ).first()
        assert referral is not None and referral.recorded_by.staff.role == "village_clerk"
        assert county_of(referral.recorded_by.staff.region_id) == home


def check_guardian(told: dict) -> None:
    application = Application.objects.get(applicant_name=told["guardian"])
    assert application.patient_full_name == told["child"] and application.applicant_relationship == "guardian"
    assert int(application.id_number[16]) % 2 == 1  # a son: the ID's 17th digit is odd
    assert application.stage == "county_approval" and application.status == "in_progress"


def check_warning(told: dict) -> None:
    application = Application.objects.get(applicant_name=told["warned"])
    warnings = application.calculation["warnings"]
    assert [(warning["code"], warning["stay"]) for warning in warnings] == [("INSURANCE_IMPLAUSIBLE", 1)]
    message = " ".join(warnings[0]["message"].split())
    township = staff("township_reviewer", township_of(application.village_id))
    county = staff("county_approver", county_of(application.village_id))
    for user in (township, county):
        assert message in page_of(user, application), user.username


def test_the_readme_tells_the_demo():
    told = story()
    call_command("seed_demo", stdout=io.StringIO())
    today = timezone.localdate()
    claim = check_settlements(told[0], today)
    check_history_and_ledger(told[1], today)
    paid = check_payments(told[2], claim, today)
    check_followed_case(told[3], paid, today)
    check_referrals(told[4])
    check_guardian(told[4])
    check_warning(told[4])
