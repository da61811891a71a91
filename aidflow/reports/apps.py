from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "aidflow.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from aidflow.cases.services.ledger import ledger_listener_register
        from aidflow.reports.disclosure import ledger_corrections

        # A change to a signed-off month is listed, marked, in a later public list (INTERFACES section 11).
        ledger_listener_register(ledger_corrections)
