from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RollsConfig(AppConfig):
    name = "aidflow.rolls"
    label = "rolls"
    verbose_name = _("Designated hospitals and rolls")
