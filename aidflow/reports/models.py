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
    # The public list (公示) as it stood at the sign-off: what the disclosure page shows from then on.
    disclosure = models.JSONField(_("public list"), default=list)

    class Meta:
        verbose_name = _("submitted month")
        verbose_name_plural = _("submitted months")
        ordering = ["-month", "region"]
        constraints = [models.UniqueConstraint(fields=["region", "month"], name="monthly_report_once")]

    def __str__(self) -> str:
        return f"{self.region} {self.month}"


class OnTimeMonth(models.Model):
    """Closed stage clocks of one township and stage received in one month: how many finished on
    time or late, and how long they took (aidflow.reports.rollup folds them in)."""

    month = models.DateField(_("month"))  # its first day
    township = models.CharField(_("township"), max_length=9)
    stage = models.CharField(_("stage"), max_length=16)
    on_time = models.PositiveIntegerField(_("completed on time"), default=0)
    late = models.PositiveIntegerField(_("completed late"), default=0)
    # The earliest and latest received day folded in: a date range that holds both counts this row whole.
    first_received = models.DateField(_("first received"))
    last_received = models.DateField(_("last received"))
    # How many durations fell on each tenth of a day, from `first_tenth` on (uint32, little-endian).
    first_tenth = models.PositiveIntegerField(_("first tenth of a day"), default=0)
    tenths = models.BinaryField(_("durations in tenths of a day"), default=b"")

    class Meta:
        verbose_name = _("on-time month")
        verbose_name_plural = _("on-time months")
        constraints = [models.UniqueConstraint(fields=["month", "township", "stage"], name="ontime_month_once")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.township} {self.stage}"


class DisclosureCorrection(models.Model):
    """A change to a signed-off month's aid (a settlement refused or reversed, a late approval or
    settlement counted in it): never written into the frozen month, but listed, marked, in the
    public list of the month it happened in (INTERFACES section 11)."""

    county = models.CharField(_("county"), max_length=6)
    # The signed-off month the case counts in, and the month whose list shows the correction.
    month = models.CharField(_("corrected month"), max_length=7)
    listed_in = models.CharField(_("listed in"), max_length=7)
    reference = models.CharField(_("case"), max_length=60)
    village = models.CharField(_("village"), max_length=12)
    name = models.CharField(_("name"), max_length=50)
    category = models.CharField(_("category"), max_length=20)
    aid_type = models.CharField(_("aid type"), max_length=20)
    # Positive: aid added to the month; negative: aid taken out of it.
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    day = models.DateField(_("day counted"))
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("late correction")
        verbose_name_plural = _("late corrections")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["county", "listed_in"])]

    def __str__(self) -> str:
        return f"{self.reference} {self.month} {self.amount}"


class MonthReviewDecision(models.TextChoices):
    ACCEPT = "accept", _("Accepted")
    RETURN = "return", _("Returned")


class MonthReview(models.Model):
    """The city's acceptance or return of one county's signed-off month (seed 000 line ~41,
    "市级卫生计生委审核通过后上报"). It keeps the signature it reviewed: when a returned month is
    signed again, the earlier signature stays here."""

    report = models.ForeignKey(MonthlyReport, on_delete=models.PROTECT, related_name="reviews")
    decision = models.CharField(_("decision"), max_length=10, choices=MonthReviewDecision.choices)
    reasons = models.TextField(_("reasons"), blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(_("reviewed at"))
    # The signature reviewed, as it stood.
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(_("signed at"))

    class Meta:
        verbose_name = _("city review of a month")
        verbose_name_plural = _("city reviews of months")
        ordering = ["report", "reviewed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.report}: {self.decision}"


class MonthReminder(models.Model):
    """A reminder or an escalation about a county's month sent once (aidflow.reports.month_reminders)."""

    county = models.CharField(_("county"), max_length=6)
    month = models.CharField(_("month"), max_length=7)
    kind = models.CharField(_("kind"), max_length=10)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    recipients = models.PositiveIntegerField(_("recipients"), default=0)

    class Meta:
        verbose_name = _("month reminder")
        verbose_name_plural = _("month reminders")
        constraints = [models.UniqueConstraint(fields=["county", "month", "kind"], name="month_reminder_once")]

    def __str__(self) -> str:
        return f"{self.county} {self.month} {self.kind}"
