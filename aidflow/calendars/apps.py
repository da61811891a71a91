from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CalendarsConfig(AppConfig):
    name = "aidflow.calendars"
    label = "calendars"
    verbose_name = _("Working-day calendar")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from aidflow.calendars.models import CalendarYear, SpecialDay
        from aidflow.calendars.services import calendar_changed

        for model in (CalendarYear, SpecialDay):
            post_save.connect(calendar_changed, sender=model, dispatch_uid=f"calendar_changed_save_{model.__name__}")
            post_delete.connect(
                calendar_changed, sender=model, dispatch_uid=f"calendar_changed_delete_{model.__name__}"
            )
