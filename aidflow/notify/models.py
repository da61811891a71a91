"""Every message sent (or tried) to an applicant's phone, recorded on the case."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MessageKind(models.TextChoices):
    FILED = "filed", _("application filed")
    RETURNED = "returned", _("returned for materials")
    DECIDED = "decided", _("decision")
    PAID = "paid", _("aid paid")


class MessageStatus(models.TextChoices):
    PENDING = "pending", _("waiting to be sent")
    SENT = "sent", _("sent")
    FAILED = "failed", _("sending failed")
    SKIPPED = "skipped", _("not sent: no phone number")


class ApplicantMessage(models.Model):
    """A text message to the applicant about their case: what, to which (masked) phone, and how it went."""

    application = models.ForeignKey(
        "cases.Application", on_delete=models.CASCADE, related_name="applicant_messages", verbose_name=_("application")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=MessageKind.choices)
    phone = models.CharField(_("phone (masked)"), max_length=20, blank=True)
    text = models.TextField(_("text"))
    status = models.CharField(_("status"), max_length=10, choices=MessageStatus.choices, default=MessageStatus.PENDING)
    error = models.CharField(_("error"), max_length=200, blank=True)
    at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("message to the applicant")
        verbose_name_plural = _("messages to the applicant")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.phone} {self.status}"
