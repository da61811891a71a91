"""Decision notices: numbered, rendered once to PDF, sealed by SHA-256, checkable by anyone."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from aidflow.cases.choices import NoticeKind


class NoticeCounter(models.Model):
    """The last number issued per authority prefix and year; locked while taking a number."""

    prefix = models.CharField(max_length=40)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["prefix", "year"], name="notice_counter_unique")]

    def __str__(self) -> str:
        return f"{self.prefix}〔{self.year}〕{self.last}"


class Notice(models.Model):
    """One issued notice. The PDF is rendered once and never again; a correction is a new notice."""

    # A notice concerns an application, or (a revocation of one) a one-stop settlement.
    application = models.ForeignKey(
        "cases.Application", null=True, blank=True, on_delete=models.PROTECT, related_name="notices"
    )
    # Few notices have one (revocations of settlements): no index on a column nearly always empty.
    settlement = models.ForeignKey(
        "settlements.Settlement",
        null=True,
        blank=True,
        db_index=False,
        on_delete=models.PROTECT,
        related_name="notices",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=NoticeKind.choices)
    number = models.CharField(_("number"), max_length=60, unique=True)
    verification_code = models.CharField(_("verification code"), max_length=20, unique=True)
    stage = models.CharField(_("stage"), max_length=16)
    authority = models.JSONField(_("authority"))
    # Everything the notice states, frozen when the decision was taken.
    content = models.JSONField(_("content"))
    pdf = models.FileField(_("PDF"), upload_to="notices/%Y/", blank=True, max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    issued_at = models.DateTimeField(_("issued at"))
    rendered_at = models.DateTimeField(_("rendered at"), null=True, blank=True)
    replaces = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by", verbose_name=_("replaces")
    )

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["issued_at", "pk"]
        # The few notices still waiting for their PDF: the catch-up render and /metrics find them
        # without reading a province's notices.
        indexes = [models.Index(fields=["issued_at"], condition=models.Q(sha256=""), name="notice_pending_pdf")]

    def __str__(self) -> str:
        return self.number
