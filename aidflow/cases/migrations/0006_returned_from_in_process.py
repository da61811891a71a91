"""The flow now reads where a supplement returns to from its own process state; cases waiting for a
supplement when this runs get that state from the application."""

from django.db import migrations


def copy_returned_from(apps, schema_editor):
    Application = apps.get_model("cases", "Application")
    Process = apps.get_model("viewflow", "Process")
    waiting = Application.objects.filter(stage="supplement", process__isnull=False).exclude(returned_from="")
    for process_id, returned_from in waiting.values_list("process_id", "returned_from").iterator():
        process = Process.objects.get(pk=process_id)
        process.data = {**(process.data or {}), "returned_from": returned_from}
        process.save(update_fields=["data"])


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0005_stage_action_choices"),
        ("viewflow", "0015_task_scheduled"),
    ]

    operations = [migrations.RunPython(copy_returned_from, migrations.RunPython.noop)]
