"""Where the aid is paid (INTERFACES sections 5 and 9): read at filing or changed later by the
village clerk or the county's finance officer; never while the application waits in a batch; each
change audited with the old and new values masked."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from aidflow.audit.models import AuditAction
from aidflow.audit.services import audit_record
from aidflow.cases.models import Application
from aidflow.cases.selectors import application_get
from aidflow.cases.services.payment_alerts import payee_change_notify
from aidflow.core.errors import ActionForbidden, Conflict, InputErrors
from aidflow.core.fields import MISSING, FieldReader
from aidflow.core.identity import mask_name
from aidflow.core.payment import ACCOUNT, PaymentStatus, mask_account
from aidflow.regions.models import Role
from aidflow.regions.scope import in_scope, role_of

# Who may record the payee, on which region's permission.
PAYEE_ROLES = {Role.VILLAGE_CLERK: "regions.check_village", Role.COUNTY_FINANCE: "regions.pay_county"}


def payee_read(data: dict, reader: FieldReader, *, required: bool = False) -> dict | None:
    """`payee` {name, bank, account} into clean values (None when absent and not required)."""
    payee = reader.obj(data, "payee", "payee", required=required)
    if payee is None:
        return None
    name = reader.text(payee, "name", "payee.name", max_length=50)
    bank = reader.text(payee, "bank", "payee.bank", max_length=100)
    account = reader.get(payee, "account", "payee.account")
    if isinstance(account, str):
        account = account.replace(" ", "")
    if account is not MISSING and not (isinstance(account, str) and ACCOUNT.match(account)):
        reader.error("payee.account", _("An account number has 10-30 digits."))
    return {"name": name, "bank": bank, "account": account}


def payee_masked(application: Application) -> dict | None:
    if not application.payee_account:
        return None
    return {
        "name": mask_name(application.payee_name),
        "bank": application.payee_bank,
        "account": mask_account(application.payee_account),
    }


def can_set_payee(user, application: Application) -> bool:
    """Whether the case page offers this user the payee form."""
    permission = PAYEE_ROLES.get(role_of(user))
    return (
        permission is not None
        and in_scope(user, application.village_id, [permission])
        and application.payment_status != PaymentStatus.IN_BATCH
    )


def payee_change(*, user, application_id: int, data: object) -> Application:
    """Record a new payee; 409 while the application waits in an open batch without a result."""
    permission = PAYEE_ROLES.get(role_of(user))
    if permission is None:
        raise ActionForbidden(_("Only the village clerk or the county's finance officer records the payee."))
    application = application_get(user=user, pk=application_id)
    if not in_scope(user, application.village_id, [permission]):
        raise ActionForbidden(_("The payee is recorded by the clerk of the village or the finance of the county."))
    if not isinstance(data, dict):
        raise InputErrors({"body": [_("The request is a JSON object.")]})
    reader = FieldReader()
    payee = payee_read({"payee": data}, reader, required=True)
    reader.raise_if_any()
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        if application.payment_status == PaymentStatus.IN_BATCH:
            raise Conflict(
                {
                    "payee": [
                        _("The application waits in payment batch %(batch)s: record its result first.")
                        % {"batch": application.payment_batch}
                    ]
                }
            )
        old = payee_masked(application)
        application.payee_name, application.payee_bank = payee["name"], payee["bank"]
        application.payee_account = payee["account"]
        application.save(update_fields=["payee_name", "payee_bank", "payee_account"])
        new = payee_masked(application)
        payee_change_notify(
            application=application,
            actor=user,
            masked=new,
            was_failed=application.payment_status == PaymentStatus.FAILED,
        )
        audit_record(
            actor=user,
            action=AuditAction.PAYEE_CHANGED,
            application=application,
            details={"old": old, "new": new},
        )
    return application
