"""The aid ledger: what the monthly statistics count, one row per stay."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AidLedgerRow(models.Model):
    """One stay's aid in the month it counts in: a counted stay of an approved application (on the
    day the county decided) or a live one-stop settlement (on the day of discharge). The monthly
    statistics read this table alone; money is kept in whole cents so every sum is exact."""

    ROUTES = (("application", _("Application")), ("settlement", _("One-stop settlement")))

    day = models.DateField(_("day"))
    region = models.CharField(_("region"), max_length=12)
    person = models.CharField(_("resident ID number"), max_length=18)
    category = models.CharField(_("category"), max_length=20)
    aid_type = models.CharField(_("aid type"), max_length=20)
    route = models.CharField(_("route"), max_length=12, choices=ROUTES)
    level = models.PositiveSmallIntegerField(_("hospital level"))
    chapter = models.CharField(_("ICD-10 chapter"), max_length=1, blank=True)
    total_cost = models.BigIntegerField(_("total cost (cents)"))
    eligible_cost = models.BigIntegerField(_("compliant cost (cents)"))
    basic_insurance = models.BigIntegerField(_("basic insurance (cents)"))
    serious_illness_insurance = models.BigIntegerField(_("serious-illness insurance (cents)"))
    other_payments = models.BigIntegerField(_("other payments (cents)"))
    hospital_reduction = models.BigIntegerField(_("hospital reduction (cents)"), default=0)
    emergency_fund = models.BigIntegerField(_("emergency fund (cents)"), default=0)
    aid = models.BigIntegerField(_("aid (cents)"))
    application = models.ForeignKey(
        "cases.Application", null=True, blank=True, on_delete=models.CASCADE, related_name="ledger_rows"
    )
    # A settlement's rows are found by its number (the settlements app stands above the cases).
    settlement_number = models.CharField(_("settlement"), max_length=60, blank=True, db_index=True)

    class Meta:
        verbose_name = _("ledger row")
        verbose_name_plural = _("ledger rows")
        indexes = [models.Index(fields=["day", "region"])]

    def __str__(self) -> str:
        return f"{self.day} {self.route} {self.person[-4:]}"


class AidLedgerMonth(models.Model):
    """The ledger's aid summed by month, village and category: what the statistics' 12-month charts
    read instead of every stay of the year. Kept by database triggers on AidLedgerRow (every
    insert, update and delete, whoever makes it), so it never differs from the rows."""

    month = models.CharField(_("month"), max_length=7)
    region = models.CharField(_("region"), max_length=12)
    category = models.CharField(_("category"), max_length=20)
    aid = models.BigIntegerField(_("aid (cents)"), default=0)
    rows = models.IntegerField(_("ledger rows"), default=0)
    # Every write to one of the bucket's rows adds one: the monthly figures' cache key.
    changes = models.BigIntegerField(_("writes counted"), default=0)

    class Meta:
        verbose_name = _("ledger month")
        verbose_name_plural = _("ledger months")
        constraints = [models.UniqueConstraint(fields=["month", "region", "category"], name="aid_ledger_month_unique")]

    def __str__(self) -> str:
        return f"{self.month} {self.region} {self.category}"
