from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VerificationsConfig(AppConfig):
    name = "aidflow.verifications"
    label = "verifications"
    verbose_name = _("Patients asked")
