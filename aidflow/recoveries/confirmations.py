"""What the approver confirms before a revocation, which cannot be undone."""

from django.utils.translation import gettext as _

from aidflow.core.confirmation import Confirmation
from aidflow.core.fields import money_text


def revocation_confirmation(*, reference: str, name: str, amount, reasons: str) -> Confirmation:
    yuan = _("%(amount)s yuan") % {"amount": money_text(amount)}
    return Confirmation(
        title=_("Revoke this aid?"),
        lead=_(
            "A revocation notice is issued, the aid leaves the person's annual history and what was already "
            "paid is owed back; a revocation cannot be undone."
        ),
        facts=[(_("Case"), reference), (_("Name"), name), (_("Medical aid"), yuan), (_("Reasons"), reasons)],
        action=_("Revoke %(amount)s") % {"amount": yuan},
        back="revoke",
        opener="revoke-submit",
        danger=True,
    )
