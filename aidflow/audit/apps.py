from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "aidflow.audit"
    label = "audit"
    verbose_name = _("Audit")

    def ready(self):
        from aidflow.audit import signals  # noqa: F401  (connects login and lockout receivers)
