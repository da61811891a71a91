from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubsidiesConfig(AppConfig):
    name = "aidflow.subsidies"
    verbose_name = _("Premium subsidies")
    default_auto_field = "django.db.models.BigAutoField"
