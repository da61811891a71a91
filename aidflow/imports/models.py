"""A file brought in through the screens or the API (INTERFACES section 14): a roll, the hospital
register or a policy, kept with its SHA-256 and its uploader, read into a preview of every row's
outcome, then confirmed or discarded."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportKind(models.TextChoices):
    RECIPIENTS = "recipients", _("Rolls of recipients")
    HOSPITALS = "hospitals", _("Register of designated hospitals")
    POLICY = "policy", _("Policy file")


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to be read")
    READING = "reading", _("Being read")
    PREVIEW = "preview", _("Preview: confirm or discard")
    CONFIRMING = "confirming", _("Being written")
    CONFIRMED = "confirmed", _("Confirmed")
    DISCARDED = "discarded", _("Discarded")
    FAILED = "failed", _("Could not be read")


class DataImport(models.Model):
    kind = models.CharField(_("kind"), max_length=12, choices=ImportKind.choices)
    status = models.CharField(_("status"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    filename = models.CharField(_("file name"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    # A roll's county (the uploader's); blank for the register and policies.
    county = models.CharField(_("county"), max_length=6, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows read"), default=0)
    counts = models.JSONField(_("outcomes"), default=dict, blank=True)
    # The first errors, for the API's answer; every row's outcome is an ImportRow.
    errors = models.JSONField(_("errors"), default=list, blank=True)
    # Persons the file takes off every roll.
    left = models.JSONField(_("left every roll"), default=list, blank=True)
    simulation = models.JSONField(_("simulation"), null=True, blank=True)
    message = models.CharField(_("message"), max_length=1000, blank=True)
    result = models.JSONField(_("written"), default=dict, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("confirmed or discarded at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk}"

    @property
    def progress(self) -> int:
        return round(100 * self.rows_done / self.rows_total) if self.rows_total else 0

    @property
    def busy(self) -> bool:
        return self.status in (ImportStatus.QUEUED, ImportStatus.READING, ImportStatus.CONFIRMING)


class ImportRow(models.Model):
    """One row of an import and its outcome; an error row keeps its cells and messages."""

    data_import = models.ForeignKey(DataImport, on_delete=models.CASCADE, related_name="rows")
    row = models.PositiveIntegerField(_("row"))
    outcome = models.CharField(_("outcome"), max_length=12)
    data = models.JSONField(_("data"))

    class Meta:
        verbose_name = _("import row")
        verbose_name_plural = _("import rows")
        ordering = ["row"]
        indexes = [models.Index(fields=["data_import", "outcome", "row"])]

    def __str__(self) -> str:
        return f"{self.row} {self.outcome}"
