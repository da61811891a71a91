"""Seed the holiday schedule 2004-2026 from the chinesecalendar package."""

from django.db import migrations


def seed(apps, schema_editor):
    from chinese_calendar import constants

    CalendarYear = apps.get_model("calendars", "CalendarYear")
    SpecialDay = apps.get_model("calendars", "SpecialDay")
    days = {day: "holiday" for day in constants.holidays}
    days.update({day: "workday" for day in constants.workdays})
    SpecialDay.objects.bulk_create(
        [SpecialDay(date=day, kind=kind) for day, kind in sorted(days.items())], ignore_conflicts=True
    )
    years = range(min(days).year, max(days).year + 1)
    CalendarYear.objects.bulk_create(
        [CalendarYear(year=year, source="chinesecalendar") for year in years], ignore_conflicts=True
    )


class Migration(migrations.Migration):
    dependencies = [("calendars", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
