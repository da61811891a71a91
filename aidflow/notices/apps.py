from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "aidflow.notices"
    label = "notices"
    verbose_name = _("Decision notices")

    def ready(self):
        # The cases ask for the notice each decision owes; this app issues it.
        from aidflow.cases.services.notices import notice_owed
        from aidflow.notices.services import notice_for_decision

        notice_owed.connect(notice_for_decision, dispatch_uid="aidflow.notices.notice_for_decision")
