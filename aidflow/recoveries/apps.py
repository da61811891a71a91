from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecoveriesConfig(AppConfig):
    name = "aidflow.recoveries"
    label = "recoveries"
    verbose_name = _("Revocation and recovery")
