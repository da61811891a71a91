from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VerificationsConfig(AppConfig):
    name = "aidflow.verifications"
    label = "verifications"
    verbose_name = _("Patients asked")

    def ready(self):
        from aidflow.settlements.services.risk import claim_sampled

        claim_sampled.connect(_ask_the_sample, dispatch_uid="verifications.claim_sampled")


def _ask_the_sample(sender, *, claim, settlements, **kwargs):
    """A claim's drawn settlements: each patient is asked (INTERFACES section 15, item 3)."""
    from aidflow.verifications.services import verifications_for_sample

    verifications_for_sample(settlements=settlements.select_related("hospital"), claim_number=claim.number)
