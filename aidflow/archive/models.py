"""A monthly archive built in the background: who asked for which county and month, and the ZIP."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ArchiveStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Being built")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


def archive_path(instance: "MonthArchive", filename: str) -> str:
    return f"archives/{instance.county}/{instance.pk}-{instance.year:04d}-{instance.month:02d}.zip"


class MonthArchive(models.Model):
    """One county's month of dossiers as a ZIP, asked for on the screen and built by a worker."""

    county = models.CharField(_("county"), max_length=12)
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=10, choices=ArchiveStatus.choices, default=ArchiveStatus.QUEUED)
    file = models.FileField(_("file"), upload_to=archive_path, max_length=200, blank=True)
    cases = models.PositiveIntegerField(_("cases"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("monthly archive")
        verbose_name_plural = _("monthly archives")
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["requested_by", "requested_at"])]

    def __str__(self) -> str:
        return f"{self.county} {self.year:04d}-{self.month:02d}"

    @property
    def month_text(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"
