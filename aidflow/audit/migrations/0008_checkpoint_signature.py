"""Checkpoints carry an HMAC signature under AUDIT_SIGNING_KEY (aidflow.audit.signing).

The checkpoints already recorded were written by verifications that found the chain intact; they are
signed here with the key configured at upgrade time, so `verify_audit --full` can hold them too."""

from django.db import migrations, models


def sign_existing(apps, schema_editor):
    from aidflow.audit.signing import sign

    AuditCheckpoint = apps.get_model("audit", "AuditCheckpoint")  # noqa: N806
    for checkpoint in AuditCheckpoint.objects.filter(signature="").iterator():
        checkpoint.signature = sign(checkpoint.seq, checkpoint.hash)
        checkpoint.save(update_fields=["signature"])


class Migration(migrations.Migration):
    dependencies = [("audit", "0007_audit_links_without_row_locks")]

    operations = [
        migrations.AddField(
            model_name="auditcheckpoint",
            name="signature",
            field=models.CharField(blank=True, max_length=64, verbose_name="signature"),
        ),
        migrations.RunPython(sign_existing, migrations.RunPython.noop),
    ]
