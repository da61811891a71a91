"""Designated hospitals and the rolls of key recipients (救助对象名册): who is on which roll, where,
and when (INTERFACES section 7)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Hospital(models.Model):
    """A designated hospital (定点医疗机构): its level and county drive the calculation and the scope."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=200)
    level = models.PositiveSmallIntegerField(_("level"))
    county = models.ForeignKey(
        "regions.Region", verbose_name=_("county"), on_delete=models.PROTECT, related_name="hospitals"
    )
    designated_from = models.DateField(_("designated from"))
    designated_to = models.DateField(_("designated to"), null=True, blank=True)
    # Where the county pays the hospital's approved claims.
    bank = models.CharField(_("bank"), max_length=100, blank=True)
    account = models.CharField(_("account"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("designated hospital")
        verbose_name_plural = _("designated hospitals")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def designated_on(self, day) -> bool:
        return self.designated_from <= day and (self.designated_to is None or day <= self.designated_to)

    @property
    def live_suspension(self) -> HospitalSuspension | None:
        """The county's suspension not lifted (in force, or from a day to come), for the claim pages."""
        return self.suspensions.filter(lifted_at__isnull=True).first()


class HospitalSuspension(models.Model):
    """The county suspends a hospital's designation from a day (INTERFACES section 15, issue 30): from
    then on its window makes no new settlement, until the suspension is lifted. Written by
    aidflow.rolls.suspensions only, each change audited."""

    hospital = models.ForeignKey(
        Hospital, verbose_name=_("hospital"), on_delete=models.PROTECT, related_name="suspensions"
    )
    suspended_from = models.DateField(_("suspended from"))
    reason = models.CharField(_("reason"), max_length=500)
    suspended_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    suspended_at = models.DateTimeField(_("suspended at"))
    # Lifted: from `lifted_on` the window settles again.
    lifted_on = models.DateField(_("lifted on"), null=True, blank=True)
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lift_reason = models.CharField(_("reason for lifting"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("suspension of a hospital's designation")
        verbose_name_plural = _("suspensions of hospitals' designations")
        ordering = ["hospital", "-suspended_from", "-pk"]
        constraints = [
            # One live suspension per hospital at a time.
            models.UniqueConstraint(
                fields=["hospital"], condition=models.Q(lifted_at__isnull=True), name="hospital_suspension_live_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.hospital_id} {self.suspended_from}"

    def in_force_on(self, day) -> bool:
        return self.suspended_from <= day and (self.lifted_on is None or day < self.lifted_on)


class RollPeriod(models.Model):
    """One period of one person on one roll; a person who left and came back has two."""

    id_number = models.CharField(_("resident ID number"), max_length=18)
    name = models.CharField(_("name"), max_length=50)
    # A key-recipient category (dibao, tekun, orphan, child_in_distress) or one a policy declares.
    category = models.CharField(_("category"), max_length=20)
    # The village, township or county of the household registration: whose roll it is.
    region = models.CharField(_("region"), max_length=12)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    class Meta:
        verbose_name = _("roll period")
        verbose_name_plural = _("roll periods")
        ordering = ["id_number", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["id_number", "category", "valid_from"], name="roll_period_unique"),
        ]
        indexes = [models.Index(fields=["region"]), models.Index(fields=["id_number", "valid_from"])]

    def __str__(self) -> str:
        return f"{self.category} {self.valid_from}-{self.valid_to or ''}"

    def covers(self, day) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class ReferralCounter(models.Model):
    """The last referral number issued per county and year; locked while a number is taken."""

    county = models.CharField(max_length=6)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["county", "year"], name="referral_counter_unique")]

    def __str__(self) -> str:
        return f"{self.county}-{self.year}: {self.last}"


class Referral(models.Model):
    """A referral on file (转诊备案, seed 002 line ~1772): treatment at a higher-level or out-of-county
    hospital counts for medical aid only when the referral was recorded with civil affairs."""

    number = models.CharField(_("number"), max_length=40, unique=True)
    id_number = models.CharField(_("resident ID number"), max_length=18)
    name = models.CharField(_("name"), max_length=50)
    # The region whose staff recorded it (or the referring hospital's county): who may see it.
    region = models.CharField(_("region"), max_length=12)
    from_hospital = models.ForeignKey(
        Hospital,
        verbose_name=_("referred from"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals_out",
    )
    to_hospital = models.ForeignKey(
        Hospital, verbose_name=_("referred to"), on_delete=models.PROTECT, related_name="referrals_in"
    )
    date = models.DateField(_("referral date"))
    diagnosis = models.CharField(_("diagnosis"), max_length=200)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["id_number", "to_hospital", "date"]), models.Index(fields=["region"])]

    def __str__(self) -> str:
        return self.number


class RollChangeKind(models.TextChoices):
    ADDED = "added", _("Added to the roll")
    UPDATED = "updated", _("Details changed")
    CLOSED = "closed", _("Period closed")
    MOVED = "moved", _("Moved to another county")
    HELD = "held", _("Held: on another county's roll the same day")
    RELEASED = "released", _("Released by the other county")
    WITHDRAWN = "withdrawn", _("Held row withdrawn")


class RollChange(models.Model):
    """One change to a person's roll periods (issue 29): what an import, or the resolution of a
    conflict, did to which period, with the values before. The person file lists them."""

    id_number = models.CharField(_("resident ID number"), max_length=18, db_index=True)
    category = models.CharField(_("category"), max_length=20)
    valid_from = models.DateField(_("valid from"))
    kind = models.CharField(_("change"), max_length=12, choices=RollChangeKind.choices)
    region = models.CharField(_("region"), max_length=12)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    # The period's name, region and valid_to before the change ({} when it is new).
    before = models.JSONField(_("before"), default=dict, blank=True)
    # The import (aidflow.imports.DataImport) that made it, when one did.
    import_number = models.PositiveIntegerField(_("import"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("roll change")
        verbose_name_plural = _("roll changes")
        ordering = ["id_number", "-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.category} {self.valid_from}"


class ConflictStatus(models.TextChoices):
    OPEN = "open", _("Held until resolved")
    RELEASED = "released", _("Released by the other county")
    APPLIED = "applied", _("Applied")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class RollConflict(models.Model):
    """A person on the rolls of two counties on the same day (issue 29, INTERFACES section 14): the
    later import's row is held here, listed for both counties, until one of them resolves it - the
    other county ends its period before this one begins, or the importing county withdraws its row."""

    id_number = models.CharField(_("resident ID number"), max_length=18, db_index=True)
    name = models.CharField(_("name"), max_length=50)
    category = models.CharField(_("category"), max_length=20)
    region = models.CharField(_("region"), max_length=12)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    county = models.CharField(_("importing county"), max_length=6, db_index=True)
    other_county = models.CharField(_("other county"), max_length=6, db_index=True)
    import_number = models.PositiveIntegerField(_("import"), null=True, blank=True)
    row = models.PositiveIntegerField(_("row"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ConflictStatus.choices, default=ConflictStatus.OPEN)
    created_at = models.DateTimeField(_("held at"))
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("roll conflict")
        verbose_name_plural = _("roll conflicts")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.id_number[-4:]} {self.county}/{self.other_county}"
