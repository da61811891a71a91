"""In-app notifications about the county's money (INTERFACES section 15, item 6): a claim to review,
a batch to approve, a patient to ask, a patient's answer that contradicts a slip. Each reaches the
active staff of a role and region, with a link to the screen where they act."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation

from aidflow.cases.records import Notification
from aidflow.cases.services.deadlines import recipients_by_region

TEXT_LIMIT = 300


def staff_notify(*, role: str, region: str, kind: str, text, link: str, exclude=None) -> int:
    """One notification for each active staff member of `role` at `region` (not `exclude`); `text`
    is a callable giving the message, rendered in the site's language."""
    people = recipients_by_region({(role, region)})[(role, region)]
    with translation.override(settings.LANGUAGE_CODE):
        message = str(text())[:TEXT_LIMIT]
    notifications = [
        Notification(recipient=user, kind=kind, text=message, link=link)
        for user in people
        if exclude is None or user.pk != exclude.pk
    ]
    Notification.objects.bulk_create(notifications)
    return len(notifications)
