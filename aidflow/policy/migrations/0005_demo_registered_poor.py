"""The shipped demo policy declares the registered poor (建档立卡贫困人口) with demo rules for
inpatient and major-disease aid. An installation that loaded the demo file before gets the category,
its rules and the notes saying they are demo values, as the corrected file has them; calculations
already made keep what they stored."""

import json
from pathlib import Path

from django.db import migrations

DEMO = Path(__file__).resolve().parent.parent / "data" / "dezhou-demo-continued.json"
CODE = "dezhou-demo-continued"
GROUP = "poverty_registered"


def add_registered_poor(apps, schema_editor):
    from decimal import Decimal

    from aidflow.policy.files import content_hash, policy_parse

    PolicyVersion = apps.get_model("policy", "PolicyVersion")
    PolicyRule = apps.get_model("policy", "PolicyRule")
    version = PolicyVersion.objects.filter(code=CODE).first()
    if version is None or version.content.get("extra_categories"):
        return
    shipped = policy_parse(json.loads(DEMO.read_text(encoding="utf-8")))
    content = dict(version.content)
    content["extra_categories"] = shipped["extra_categories"]
    content["notes"] = shipped["notes"]
    added = [rule for rule in shipped["rules"] if rule["category_group"] == GROUP]
    content["rules"] = [*content["rules"], *added]
    version.content = content
    version.notes = shipped["notes"]
    version.content_sha256 = content_hash(content)
    version.save(update_fields=["content", "notes", "content_sha256"])
    PolicyRule.objects.bulk_create(
        PolicyRule(
            version=version,
            category_group=rule["category_group"],
            aid_type=rule["aid_type"],
            rate=Decimal(rule["rate"]),
            deductible=Decimal(rule["deductible"]),
            annual_cap=Decimal(rule["annual_cap"]),
            insured=rule.get("insured", True),
            basis=rule.get("basis", ""),
        )
        for rule in added
    )


class Migration(migrations.Migration):
    dependencies = [("policy", "0004_hospital_and_insurance_rules")]

    operations = [migrations.RunPython(add_registered_poor, migrations.RunPython.noop)]
