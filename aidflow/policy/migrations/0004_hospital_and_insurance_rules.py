"""The shipped Dezhou policies gain the text's hospital rules (only designated hospitals; a referral on
file outside the paying county, 德民〔2015〕69号 lines ~1772, ~1792) and the basic-insurance rules of
德人社〔2016〕32号 that flag implausible figures. An installation that loaded the files before gets
them as the corrected files have them; applications keep the version they were calculated with."""

import hashlib
import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data"
SHIPPED = {"dezhou-2015-69": DATA / "dezhou-2015-69.json", "dezhou-demo-continued": DATA / "dezhou-demo-continued.json"}
KEYS = ("hospital_rules", "basic_insurance_rules")


def content_hash(content):
    # As aidflow.policy.files.content_hash.
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def normalised(shipped):
    # As aidflow.policy.files.policy_parse stores them (money with two decimals, rates as given).
    rules = dict(shipped["basic_insurance_rules"])
    rules["levels"] = {
        level: {
            "rate": entry["rate"],
            "deductible_first": f"{float(entry['deductible_first']):.2f}",
            "deductible_later": f"{float(entry['deductible_later']):.2f}",
        }
        for level, entry in rules["levels"].items()
    }
    return {"hospital_rules": shipped["hospital_rules"], "basic_insurance_rules": rules}


def add_rules(apps, schema_editor):
    PolicyVersion = apps.get_model("policy", "PolicyVersion")
    for code, path in SHIPPED.items():
        version = PolicyVersion.objects.filter(code=code).first()
        if version is None or all(key in version.content for key in KEYS):
            continue
        content = dict(version.content)
        content.update(normalised(json.loads(path.read_text(encoding="utf-8"))))
        version.content = content
        version.content_sha256 = content_hash(content)
        version.save(update_fields=["content", "content_sha256"])


class Migration(migrations.Migration):
    dependencies = [("policy", "0003_dezhou_2015_69_validity")]

    operations = [migrations.RunPython(add_rules, migrations.RunPython.noop)]
