"""The medical-aid process with typed state, kept in viewflow's process JSON (a proxy, no table)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from viewflow import jsonstore
from viewflow.workflow.models import Process


class Route(models.TextChoices):
    """What the last decision on a case asks of the flow."""

    FORWARD = "forward", _("Forward to the next level")
    RETURN = "return", _("Return for materials")
    REJECT = "reject", _("Refuse")
    APPROVE = "approve", _("Approve")


class MedicalAidProcess(Process):
    """The procedure's process: the route of the last decision and, during a supplement, the stage
    the case goes back to."""

    route = jsonstore.CharField(_("route"), max_length=10, choices=Route.choices, blank=True)
    returned_from = jsonstore.CharField(_("returned from"), max_length=16, blank=True)
    # In memory only: the human task the flow opened while this object advanced it (see
    # MedicalAidFlow.task_opened); None when it opened none.
    opened_task = None

    class Meta:
        proxy = True
        verbose_name = _("medical aid process")
        verbose_name_plural = _("medical aid processes")
