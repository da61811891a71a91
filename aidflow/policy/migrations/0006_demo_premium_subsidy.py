"""The shipped demo policy gives the premium subsidy (资助参保: the roll day and the individual premium,
demo values). An installation that loaded the demo file before gets the key and the notes saying
they are demo values, as the corrected file has them."""

import json
from pathlib import Path

from django.db import migrations

DEMO = Path(__file__).resolve().parent.parent / "data" / "dezhou-demo-continued.json"
CODE = "dezhou-demo-continued"


def add_premium_subsidy(apps, schema_editor):
    from aidflow.policy.files import content_hash, policy_parse

    PolicyVersion = apps.get_model("policy", "PolicyVersion")
    version = PolicyVersion.objects.filter(code=CODE).first()
    if version is None or version.content.get("premium_subsidy"):
        return
    shipped = policy_parse(json.loads(DEMO.read_text(encoding="utf-8")))
    content = dict(version.content)
    content["premium_subsidy"] = shipped["premium_subsidy"]
    content["notes"] = shipped["notes"]
    version.content = content
    version.notes = shipped["notes"]
    version.content_sha256 = content_hash(content)
    version.save(update_fields=["content", "notes", "content_sha256"])


class Migration(migrations.Migration):
    dependencies = [("policy", "0005_demo_registered_poor")]

    operations = [migrations.RunPython(add_premium_subsidy, migrations.RunPython.noop)]
