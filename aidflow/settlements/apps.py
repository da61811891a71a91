from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SettlementsConfig(AppConfig):
    name = "aidflow.settlements"
    label = "settlements"
    verbose_name = _("One-stop settlement")

    def ready(self):
        from aidflow.cases.selectors import history_source_register
        from aidflow.settlements.selectors import settlement_history

        # The annual deductible and cap are shared with applications (INTERFACES section 8).
        history_source_register(settlement_history)
