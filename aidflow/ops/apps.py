from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    name = "aidflow.ops"
    label = "ops"
    verbose_name = _("Operations")

    def ready(self):
        from aidflow.ops import checks  # noqa: F401 - registers the deployment checks
