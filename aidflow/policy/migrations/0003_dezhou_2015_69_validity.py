"""德民〔2015〕69号 was valid until 2020-10-28 (its last line); AidFlow first shipped it with no end.
An installation that loaded that file gets the text's own validity and the rules' places in the
text, as the corrected file has them. Applications keep the version they were calculated with."""

import hashlib
import json
from pathlib import Path

from django.db import migrations

SHIPPED = Path(__file__).resolve().parent.parent / "data" / "dezhou-2015-69.json"


def content_hash(content):
    # As aidflow.policy.files.content_hash.
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def correct_validity(apps, schema_editor):
    PolicyVersion = apps.get_model("policy", "PolicyVersion")
    version = PolicyVersion.objects.filter(code="dezhou-2015-69", effective_to__isnull=True).first()
    if version is None:
        return
    shipped = json.loads(SHIPPED.read_text(encoding="utf-8"))
    bases = {(rule["category_group"], rule["aid_type"]): rule.get("basis", "") for rule in shipped["rules"]}
    content = dict(version.content)
    content["effective_to"] = shipped["effective_to"]
    content["notes"] = shipped["notes"]
    for rule in content["rules"]:
        if bases.get((rule["category_group"], rule["aid_type"])):
            rule["basis"] = bases[(rule["category_group"], rule["aid_type"])]
    version.content = content
    version.content_sha256 = content_hash(content)
    version.effective_to = shipped["effective_to"]
    version.notes = shipped["notes"]
    version.save(update_fields=["content", "content_sha256", "effective_to", "notes"])
    for rule in version.rules.all():
        rule.basis = bases.get((rule.category_group, rule.aid_type), "")
        rule.save(update_fields=["basis"])


class Migration(migrations.Migration):
    dependencies = [("policy", "0002_demo_insured_basis")]

    operations = [migrations.RunPython(correct_validity, migrations.RunPython.noop)]
