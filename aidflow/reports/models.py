"""Submitted months (月报报送): the figures as the county head signed them, never recomputed."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MonthlyReport(models.Model):
    """One county's month, frozen at submission with its signer and the SHA-256 of its figures."""

    region = models.CharField(_("region"), max_length=12)
    month = models.CharField(_("month"), max_length=7)
    figures = models.JSONField(_("figures"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(_("signed at"))

    class Meta:
        verbose_name = _("submitted month")
        verbose_name_plural = _("submitted months")
        ordering = ["-month", "region"]
        constraints = [models.UniqueConstraint(fields=["region", "month"], name="monthly_report_once")]

    def __str__(self) -> str:
        return f"{self.region} {self.month}"
