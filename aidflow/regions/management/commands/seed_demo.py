"""manage.py seed_demo - Dezhou regions, the shipped policy, demo staff for every role; prints the logins."""

import datetime
import json
from contextlib import nullcontext
from pathlib import Path

import time_machine
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from aidflow.cases.demo import FILED_DAYS_AGO, seed_demo_applications
from aidflow.payments.demo import seed_demo_payments
from aidflow.policy.services import policy_load
from aidflow.regions.services import regions_import, staff_save
from aidflow.reports.demo import seed_demo_ledger
from aidflow.rolls.models import Hospital
from aidflow.rolls.services import hospitals_import, recipients_import
from aidflow.settlements.demo import seed_demo_settlements
from aidflow.subsidies.demo import seed_demo_premium
from aidflow.verifications.demo import seed_demo_verifications

DATA = Path(__file__).resolve().parents[2] / "data"
REGIONS_FILE = DATA / "regions-dezhou.csv"
# A synthetic community in 德城区新湖街道 (which the Dezhou file lists no villages for), so the
# calculation example of the interface documentation runs against demo data.
DEMO_REGIONS_FILE = DATA / "regions-demo.csv"
POLICY_DATA = Path(__file__).resolve().parents[3] / "policy" / "data"
# The text as issued (valid 2015-10-28 to 2020-10-28), and a demo stand-in that continues its rules
# for current dates, shown as 演示政策 wherever it is used.
POLICY_FILES = [POLICY_DATA / "dezhou-2015-69.json", POLICY_DATA / "dezhou-demo-continued.json"]

# Demo data, not a real register: hospital codes start with DEMO-, and the roll lists made-up people.
ROLLS_DATA = Path(__file__).resolve().parents[3] / "rolls" / "data"
HOSPITALS_FILE = ROLLS_DATA / "hospitals-demo.csv"
RECIPIENTS_FILE = ROLLS_DATA / "recipients-demo.csv"
# (username, hospital code, name): the settlement window of 陵城区人民医院.
DEMO_HOSPITAL_CLERKS = [("hospital_lingcheng", "DEMO-371403-001", "马建华")]

# The one demo password; the demo logins are printed by this command and exist nowhere else.
DEMO_PASSWORD = "Demo-aid-2026!"

# (username, role, region code, name): every role in two counties, 陵城区 and 平原县, plus a city auditor.
DEMO_STAFF = [
    ("clerk_beijie", "village_clerk", "371403105201", "李秀英"),
    ("clerk_laoli", "village_clerk", "371403105202", "王建国"),
    ("clerk_nanyoufang", "village_clerk", "371426102201", "张桂兰"),
    ("reviewer_shentou", "township_reviewer", "371403105", "刘志强"),
    ("reviewer_qiancao", "township_reviewer", "371426102", "赵丽"),
    ("approver_lingcheng", "county_approver", "371403", "陈明"),
    ("approver_pingyuan", "county_approver", "371426", "孙伟"),
    ("auditor_lingcheng", "auditor", "371403", "周敏"),
    ("finance_lingcheng", "county_finance", "371403", "郑红"),
    # The second signature on 陵城区's payment batches (INTERFACES section 15).
    ("finance2_lingcheng", "county_finance", "371403", "冯静"),
    ("auditor_dezhou", "auditor", "3714", "吴刚"),
    ("reviewer_dezhou", "city_reviewer", "3714", "何平"),
    ("admin", "admin", None, "系统管理员"),
]


class Command(BaseCommand):
    help = "Load demo data: Dezhou regions, the Dezhou policy and demo staff for every role. Idempotent."

    def handle(self, *args, **options):
        with transaction.atomic():
            with self._set_up_before_the_demo_cases():
                self._set_up()
            seed_demo_applications(self.stdout)
            seed_demo_settlements(
                self.stdout,
                hospital_clerk="hospital_lingcheng",
                approver="approver_lingcheng",
                referrer="clerk_nanyoufang",
            )
            seed_demo_verifications(self.stdout, approver="approver_lingcheng", county="371403")
            seed_demo_payments(self.stdout, finance="finance_lingcheng", signer="finance2_lingcheng", county="371403")
            seed_demo_premium(self.stdout, approver="approver_lingcheng", county="371403")
            seed_demo_ledger(self.stdout, approver="approver_lingcheng", county="371403")
        self._print_logins()

    @staticmethod
    def _set_up_before_the_demo_cases():
        """On the first run the county is set up (regions, policy, staff) the morning before the first
        demo case is filed, so the audit log reads in time order: accounts exist before they act."""
        if get_user_model().objects.filter(username=DEMO_STAFF[0][0]).exists():
            return nullcontext()
        first_filing = timezone.localtime() - datetime.timedelta(days=max(FILED_DAYS_AGO.values()))
        return time_machine.travel(first_filing.replace(hour=8, minute=0, second=0, microsecond=0), tick=True)

    def _set_up(self):
        for path in (REGIONS_FILE, DEMO_REGIONS_FILE):
            result = regions_import(text=path.read_text(encoding="utf-8-sig"))
            self.stdout.write(
                f"Regions from {path.name}: {result.created} created, {result.updated} updated, "
                f"{result.unchanged} unchanged."
            )
        for path in POLICY_FILES:
            version, created = policy_load(data=json.loads(path.read_text(encoding="utf-8")))
            label = " (演示政策 / demo policy)" if version.demo else ""
            self.stdout.write(f"Policy {version.code}{label}: {'loaded' if created else 'already loaded'}.")
        hospitals = hospitals_import(text=HOSPITALS_FILE.read_text(encoding="utf-8"), source="seed_demo")
        rolls = recipients_import(text=RECIPIENTS_FILE.read_text(encoding="utf-8"), source="seed_demo")
        self.stdout.write(
            f"Demo hospitals: {hospitals.created} created, {hospitals.updated} updated; "
            f"demo roll periods: {rolls.created} created, {rolls.updated} updated."
        )
        for username, role, region, name in DEMO_STAFF:
            staff_save(username=username, password=DEMO_PASSWORD, role=role, region_code=region, name=name)
        for username, code, name in DEMO_HOSPITAL_CLERKS:
            staff_save(
                username=username,
                password=DEMO_PASSWORD,
                role="hospital_clerk",
                region_code=None,
                name=name,
                hospital=Hospital.objects.get(code=code),
            )

    def _print_logins(self):
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD})")
        self.stdout.write(f"  {'username':<22}{'role':<20}{'region':<14}name")
        for username, role, region, name in DEMO_STAFF:
            self.stdout.write(f"  {username:<22}{role:<20}{region or '-':<14}{name}")
        for username, code, name in DEMO_HOSPITAL_CLERKS:
            self.stdout.write(f"  {username:<22}{'hospital_clerk':<20}{code:<16}{name}")
