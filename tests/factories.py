"""Test data, built through the real services: staff, filing payloads, applications, and `advance`, which
moves an application through the procedure as the personas would.

Dates are relative to today (the session's clock, see tests/clock.py): a stay is discharged in the filing
year, so a filing made today claims it in the same medical year whatever the date (POLICY section 2).
Tests import application services from here where they only need data, so that a move of those services
touches one file.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from aidflow.cases.models import Application
from aidflow.cases.selectors import open_task
from aidflow.cases.services.filing import application_file
from aidflow.cases.services.tasks import task_complete
from aidflow.notices.tasks import render_pending_notices
from aidflow.policy.services import policy_load
from aidflow.regions.services import regions_import, staff_save
from aidflow.regions.stages import stage_rule
from tests.idnumbers import resident_id

REGIONS_FILE = Path(__file__).resolve().parent.parent / "aidflow" / "regions" / "data" / "regions-dezhou.csv"
POLICY_DATA = Path(__file__).resolve().parent.parent / "aidflow" / "policy" / "data"
# 德民〔2015〕69号 as issued (valid 2015-10-28 to 2020-10-28), and the demo stand-in that continues
# its rules for current dates (flagged 演示政策): filings made today are calculated under the latter.
POLICY_FILE = POLICY_DATA / "dezhou-2015-69.json"
DEMO_POLICY_FILE = POLICY_DATA / "dezhou-demo-continued.json"
PASSWORD = "Test-pass-2026!"

# Two counties, each with a township and two villages, so scope can be tested across every level.
LINGCHENG = "371403"
SHENTOU = "371403105"
BEIJIE = "371403105201"
LAOLI = "371403105202"
MIZHEN = "371403102"
XIAOWANG = "371403102201"
PINGYUAN = "371426"
QIANCAO = "371426102"
NANYOUFANG = "371426102201"

# The demo register of designated hospitals (aidflow/rolls/data/hospitals-demo.csv).
HOSPITALS_FILE = Path(__file__).resolve().parent.parent / "aidflow" / "rolls" / "data" / "hospitals-demo.csv"
LINGCHENG_HOSPITAL, LINGCHENG_HOSPITAL_NAME = "DEMO-371403-001", "陵城区人民医院"
CITY_HOSPITAL, CITY_HOSPITAL_NAME = "DEMO-371402-001", "德州市人民医院"  # level 3, in 德城区
PINGYUAN_HOSPITAL, PINGYUAN_HOSPITAL_NAME = "DEMO-371426-001", "平原县第一人民医院"
SECOND_HOSPITAL, SECOND_HOSPITAL_NAME = "DEMO-371403-002", "陵城区中医院"

# The documented example person (POLICY section 7), born 1949-12-31: elderly on any filing date.
WANG_XIUYING = "11010519491231002X"
# What the county finds on review and takes off a stay's compliant cost (INTERFACES section 11): the
# award is then computed again, never lowered by hand (seed 002 line ~1784, "不低于70%").
EXCLUDED_REASON = "超出医保目录的自费药品"


def excluded(amount: str, stay: int = 0, reason: str = EXCLUDED_REASON) -> list[dict]:
    """An `excluded_costs` payload. On the default filing (17000.00 remaining, 20% above 12000.00)
    excluding 1000.00 makes the award 800.00, 2000.00 makes it 600.00."""
    return [{"stay": stay, "amount": amount, "reason": reason}]


def today() -> datetime.date:
    return timezone.localdate()


def person(order: str = "001", birth: datetime.date = datetime.date(1950, 1, 1)) -> str:
    """A valid resident ID number of an elderly person; `order` tells people born the same day apart."""
    return resident_id(birth, order=order)


def import_regions() -> None:
    """The shipped Dezhou region file, through the real service (idempotent)."""
    regions_import(text=REGIONS_FILE.read_text(encoding="utf-8"))


def import_hospitals() -> None:
    """The demo register of designated hospitals, through the real service (idempotent)."""
    from aidflow.rolls.services import hospitals_import

    hospitals_import(text=HOSPITALS_FILE.read_text(encoding="utf-8"), source="tests")


def load_policy():
    """The shipped Dezhou policies, through the real service (idempotent); returns the demo stand-in,
    the version that applies to filings made today."""
    policy_load(data=json.loads(POLICY_FILE.read_text(encoding="utf-8")))
    return policy_load(data=json.loads(DEMO_POLICY_FILE.read_text(encoding="utf-8")))[0]


# --- staff -----------------------------------------------------------------------------------------


class StaffFactory(factory.Factory):
    """A staff member saved through staff_save: user, role group, profile and region permission."""

    class Meta:
        model = get_user_model()

    username = factory.Sequence(lambda number: f"staff{number}")
    password = PASSWORD
    role = "village_clerk"
    region_code = BEIJIE
    name = "测试用户"

    @classmethod
    def _create(cls, model_class, **fields):
        return staff_save(**fields)


def make_staff(username: str, role: str, region: str | None, name: str = "测试用户"):
    return StaffFactory(username=username, role=role, region_code=region, name=name)


# --- filing payloads --------------------------------------------------------------------------------


def stay_dates(length: int = 15, days_ago: int = 3) -> tuple[datetime.date, datetime.date]:
    """Admission and discharge of a recent stay, both in the current year: discharged `days_ago` days
    ago (or on 1 January, early in the year) after `length` days in hospital (fewer early in January)."""
    day = today()
    new_year = datetime.date(day.year, 1, 1)
    discharge = max(day - datetime.timedelta(days=days_ago), new_year)
    admission = max(discharge - datetime.timedelta(days=length), new_year)
    return admission, discharge


class StayFactory(factory.DictFactory):
    """A hospital stay as the filing payload and the API carry it: 17000.00 remaining."""

    class Params:
        dates = factory.LazyFunction(stay_dates)

    # The county hospital of 陵城区 on the demo register, named as a clerk types it: designated, and in
    # the paying county of the test villages (北街, 老李), so no referral is needed (INTERFACES section 11).
    # A second stay of the same days goes to another hospital of the county (SECOND_HOSPITAL_NAME).
    hospital = LINGCHENG_HOSPITAL_NAME
    hospital_level = 2
    diagnosis = "肺恶性肿瘤"
    icd10 = "C34.9"
    admission_date = factory.LazyAttribute(lambda stay: stay.dates[0].isoformat())
    discharge_date = factory.LazyAttribute(lambda stay: stay.dates[1].isoformat())
    total_cost = "60000.00"
    eligible_cost = "52000.00"
    basic_insurance = "30000.00"
    serious_illness_insurance = "5000.00"
    other_insurance = "0.00"
    charity = "0.00"
    referral = True
    referral_number = "ZZ-2026-001"


class FilingFactory(factory.DictFactory):
    """What a clerk files (INTERFACES section 4 plus the applicant): a low-income, seriously ill patient
    of 北街, one stay, major-disease aid; the shipped policy computes 1000.00 (20% of 17000 - 12000)."""

    class Params:
        person = WANG_XIUYING

    region = BEIJIE
    applicant = factory.Dict({"name": "王秀英", "id_number": factory.SelfAttribute("..person"), "phone": "13800000000"})
    category = "low_income"
    aid_type = "major_disease"
    patient = factory.Dict(
        {"id_number": factory.SelfAttribute("..person"), "severely_disabled": False, "seriously_ill": True}
    )
    household = factory.Dict(
        {
            "size": 3,
            "monthly_income": "1200.00",
            "residence": "rural",
            "members": factory.List([factory.Dict({"name": "王大山", "relation": "配偶", "monthly_income": "800.00"})]),
        }
    )
    stays = factory.List([factory.SubFactory(StayFactory)])


def certificate() -> list:
    """The documents of a key-recipient filing where the county keeps no roll: the certificate of the
    category, without which the village may not forward the case (INTERFACES section 11)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from aidflow.cases.services.documents import UploadedDocument
    from tests.workflows.helpers import PDF_BYTES

    return [UploadedDocument("category_certificate", SimpleUploadedFile("低保证.pdf", PDF_BYTES))]


def calculation_request(**changes) -> dict:
    """A filing payload as a calculation request (no applicant)."""
    data = FilingFactory(**changes)
    data.pop("applicant")
    return data


# --- applications -------------------------------------------------------------------------------------


class ApplicationFactory(factory.Factory):
    """An application filed through application_file by `user`, a village clerk, for the clerk's village."""

    class Meta:
        model = Application

    user = None
    data = factory.SubFactory(FilingFactory, region=factory.SelfAttribute("..user.staff.region_id"))
    documents = None

    @classmethod
    def _create(cls, model_class, user, data, documents=None):
        return application_file(user=user, data=data, documents=documents)


STAGES = ("village_check", "township_review", "county_approval", "supplement", "notice_delivery", "closed")
# The persona argument of advance() that stands for each role.
PERSONA = {"village_clerk": "clerk", "township_reviewer": "reviewer", "county_approver": "approver"}


def _actor(application: Application, stage: str, given: dict):
    rule = stage_rule(stage)
    persona = PERSONA[rule.role]
    if given.get(persona) is not None:
        return given[persona]
    region = rule.region_code(application.village_id)
    user = get_user_model().objects.filter(staff__role=rule.role, staff__region_id=region).order_by("pk").first()
    if user is None:
        raise LookupError(f"no {rule.role} for {region}: request the {persona} fixture")
    return user


def _payload(stage: str, decision: str, *, excluded_costs, reasons, missing, recipient) -> dict:
    day = today().isoformat()
    if stage == "village_check":
        return {"decision": "return", "missing": list(missing)} if decision == "return" else {"decision": "forward"}
    if stage == "township_review":
        payload = {"decision": decision, "visit_date": day, "findings": "入户核实属实"}
    elif stage == "county_approval":
        payload = {"decision": decision}
        if decision == "approve" and excluded_costs:
            payload["excluded_costs"] = excluded_costs
    elif stage == "supplement":
        return {"note": "已补充材料"}
    else:
        return {"delivered_on": day, "method": "in_person", "recipient": recipient}
    if decision in ("reject", "return"):
        payload["reasons"] = reasons or ("缺少材料" if decision == "return" else "经核实不符合救助条件")
    if decision == "return":
        payload["missing"] = list(missing)
    return payload


def advance(
    application: Application,
    to: str = "closed",
    *,
    clerk=None,
    reviewer=None,
    approver=None,
    excluded_costs: list[dict] | None = None,
    reject_at: str | None = None,
    return_at: str | None = None,
    reasons: str | None = None,
    missing: tuple[str, ...] | list[str] = ("家庭收入证明",),
    capture=None,
) -> Application:
    """Complete the application's tasks through task_complete until it stands at stage `to`.

    Each stage's actor is the given persona (clerk, reviewer, approver) or else the first staff member
    with that role in the application's village, township or county. The village and the township
    forward, the county approves (with `excluded_costs` found on review, when given) and the township
    records the delivery. `reject_at` (township_review or county_approval) rejects there instead;
    `return_at` returns the case once from that stage for `missing` materials, after which the clerk
    resubmits (stop there with to="supplement"). `capture` is pytest-django's
    django_capture_on_commit_callbacks fixture: with it, each step's after-commit work runs (notice PDFs).
    """
    if to not in STAGES:
        raise ValueError(f"unknown stage {to!r}; one of {', '.join(STAGES)}")
    given = {"clerk": clerk, "reviewer": reviewer, "approver": approver}
    application = Application.objects.get(pk=application.pk)
    returned = False
    for _step in range(len(STAGES) + 2):
        stage = application.stage
        if stage == to:
            return application
        if stage == "closed":
            raise AssertionError(f"{application.number} closed without reaching {to}")
        if stage == return_at and not returned:
            decision, returned = "return", True
        elif stage == reject_at:
            decision = "reject"
        else:
            decision = "approve" if stage == "county_approval" else "forward"
        payload = _payload(
            stage,
            decision,
            excluded_costs=excluded_costs,
            reasons=reasons,
            missing=missing,
            recipient=application.applicant_name,
        )
        user = _actor(application, stage, given)
        if stage == "notice_delivery" and capture is None:
            # Without on-commit callbacks no PDF was rendered: the worker's catch-up does it, as
            # delivery waits for the PDF.
            render_pending_notices(older_than_seconds=0)
        if capture is None:
            application = task_complete(user=user, task_id=open_task(application).pk, payload=payload)
        else:
            with capture(execute=True):
                application = task_complete(user=user, task_id=open_task(application).pk, payload=payload)
    raise AssertionError(f"{application.number} did not reach {to}")
