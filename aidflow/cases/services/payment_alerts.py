"""Payments the village must act on, told to whoever will act (the bell, aidflow.cases.models.Notification):
a failed payment to the village clerks of the case's village, who fetch the right card from the
applicant; a changed payee account to the same clerks, and to the county's finance officer when it
corrects a failed payment. Written inside the caller's transaction, so a rolled-back result or
change notifies nobody."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from aidflow.cases.choices import NotificationKind
from aidflow.cases.models import Application, Notification
from aidflow.cases.services.deadlines import recipients_by_region
from aidflow.regions.codes import county_of
from aidflow.regions.models import Role

TEXT_LIMIT = 300  # Notification.text
REASON_LIMIT = 120


def _short(text: str, limit: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def payment_failures_notify(*, failures: list[tuple[int, Decimal, str, str]]) -> int:
    """(application pk, amount, reason, batch number) of each failed line: one notification per
    village clerk of the application's village, in one query for the people and one insert."""
    if not failures:
        return 0
    applications = Application.objects.only("pk", "number", "village_id").in_bulk([pk for pk, *_rest in failures])
    people = recipients_by_region({(Role.VILLAGE_CLERK, app.village_id) for app in applications.values()})
    notifications = []
    # Stored text is read later by the clerk: in the site's language, not the finance officer's.
    with translation.override(settings.LANGUAGE_CODE):
        for pk, amount, reason, batch in failures:
            application = applications[pk]
            text = _(
                "%(number)s: the payment of %(amount)s yuan (batch %(batch)s) failed: %(reason)s. "
                "Check the account with the applicant and correct the payee on the case page."
            ) % {
                "number": application.number,
                "amount": amount,
                "batch": batch,
                "reason": _short(reason, REASON_LIMIT),
            }
            notifications += [
                Notification(
                    recipient=user,
                    application=application,
                    kind=NotificationKind.PAYMENT_FAILED,
                    text=_short(text, TEXT_LIMIT),
                )
                for user in people[(Role.VILLAGE_CLERK, application.village_id)]
            ]
    Notification.objects.bulk_create(notifications)
    return len(notifications)


def payee_change_notify(*, application: Application, actor, masked: dict | None, was_failed: bool) -> int:
    """The village's clerks hear of a new payee account (but not the one who recorded it); when it
    corrects a failed payment, so does the county's finance officer, who pays it again."""
    keys = {(Role.VILLAGE_CLERK, application.village_id)}
    if was_failed:
        keys.add((Role.COUNTY_FINANCE, county_of(application.village_id)))
    people = recipients_by_region(keys)
    who = actor.get_full_name() or actor.get_username()
    with translation.override(settings.LANGUAGE_CODE):
        text = _("%(number)s: %(who)s changed the payee account to %(name)s, %(bank)s, %(account)s.") % {
            "number": application.number,
            "who": who,
            "name": (masked or {}).get("name") or "-",
            "bank": (masked or {}).get("bank") or "-",
            "account": (masked or {}).get("account") or "-",
        }
        if was_failed:
            text += " " + _("The failed payment can be paid again in the next batch.")
    notifications = [
        Notification(
            recipient=user, application=application, kind=NotificationKind.PAYEE_CHANGED, text=_short(text, TEXT_LIMIT)
        )
        for key in sorted(keys)
        for user in people[key]
        if user.pk != actor.pk
    ]
    Notification.objects.bulk_create(notifications)
    return len(notifications)
