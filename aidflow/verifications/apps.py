from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VerificationsConfig(AppConfig):
    name = "aidflow.verifications"
    label = "verifications"
    verbose_name = _("Patients asked")

    def ready(self):
        from aidflow.settlements.services.risk import claim_sampled

        claim_sampled.connect(_ask_the_sample, dispatch_uid="verifications.claim_sampled")
        from aidflow.regions.models import Role
        from aidflow.reports.desks import desk_source_register
        from aidflow.verifications.desk import county_findings, township_verifications

        desk_source_register(Role.TOWNSHIP_REVIEWER, township_verifications)
        desk_source_register(Role.COUNTY_APPROVER, county_findings)


def _ask_the_sample(sender, *, claim, settlements, **kwargs):
    """A claim's drawn settlements: each patient is asked (INTERFACES section 15, item 3)."""
    from aidflow.verifications.services import verifications_for_sample

    verifications_for_sample(settlements=settlements.select_related("hospital"), claim_number=claim.number)
