"""Administrative divisions and the staff who work in them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    COUNTY = "county", _("County")
    TOWNSHIP = "township", _("Township")
    VILLAGE = "village", _("Village")


# A statistical division code's length tells its level (INTERFACES section 1).
LEVEL_CODE_LENGTH = {
    Level.PROVINCE: 2,
    Level.CITY: 4,
    Level.COUNTY: 6,
    Level.TOWNSHIP: 9,
    Level.VILLAGE: 12,
}
CODE_LENGTH_LEVEL = {length: level for level, length in LEVEL_CODE_LENGTH.items()}
PARENT_LEVEL = {
    Level.CITY: Level.PROVINCE,
    Level.COUNTY: Level.CITY,
    Level.TOWNSHIP: Level.COUNTY,
    Level.VILLAGE: Level.TOWNSHIP,
}


class Region(models.Model):
    """A province, city, county, township or village, identified by its statistical division code."""

    code = models.CharField(_("code"), max_length=12, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    source = models.CharField(
        _("source"),
        max_length=100,
        blank=True,
        help_text=_("Where the code comes from, e.g. a statistics release or a synthetic code."),
    )

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]
        permissions = [
            ("check_village", _("Can file and check applications in this village")),
            ("review_township", _("Can review applications in this township")),
            ("approve_county", _("Can approve applications in this county")),
            ("audit_region", _("Can audit applications in this region")),
            ("pay_county", _("Can pay approved aid in this county")),
            ("review_city", _("Can accept or return the counties' months in this city")),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def full_name(self) -> str:
        """Names from the county down, e.g. 平原县前曹镇南油坊."""
        names = []
        region: Region | None = self
        while region is not None and region.level not in (Level.PROVINCE, Level.CITY):
            names.append(region.name)
            region = region.parent
        return "".join(reversed(names)) or self.name


class Role(models.TextChoices):
    VILLAGE_CLERK = "village_clerk", _("Village clerk")
    TOWNSHIP_REVIEWER = "township_reviewer", _("Township reviewer")
    COUNTY_APPROVER = "county_approver", _("County approver")
    AUDITOR = "auditor", _("Auditor")
    ADMIN = "admin", _("Administrator")
    # A designated hospital's settlement window (医院结算员): scoped to its hospital, not a region.
    HOSPITAL_CLERK = "hospital_clerk", _("Hospital settlement clerk")
    # Pays what the county approved (县级资金发放员); never approves, and an approver never pays.
    COUNTY_FINANCE = "county_finance", _("County finance officer")
    # Accepts or returns each county's signed-off month before the city reports it (seed 000 line ~41).
    CITY_REVIEWER = "city_reviewer", _("City reviewer")


# Which region level each role works at (None: no region), and the object permission that grants
# its scope on that region.
ROLE_LEVELS: dict[str, tuple[str, ...]] = {
    Role.VILLAGE_CLERK: (Level.VILLAGE,),
    Role.TOWNSHIP_REVIEWER: (Level.TOWNSHIP,),
    Role.COUNTY_APPROVER: (Level.COUNTY,),
    Role.AUDITOR: tuple(Level.values),
    Role.ADMIN: (),
    Role.HOSPITAL_CLERK: (),
    Role.COUNTY_FINANCE: (Level.COUNTY,),
    Role.CITY_REVIEWER: (Level.CITY,),
}
ROLE_PERMISSION = {
    Role.VILLAGE_CLERK: "check_village",
    Role.TOWNSHIP_REVIEWER: "review_township",
    Role.COUNTY_APPROVER: "approve_county",
    Role.AUDITOR: "audit_region",
    Role.COUNTY_FINANCE: "pay_county",
    Role.CITY_REVIEWER: "review_city",
}


class StaffProfile(models.Model):
    """A staff member's role and the region it works in."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    # The designated hospital a hospital clerk works for (the hospital register is in aidflow.rolls).
    hospital = models.ForeignKey(
        "rolls.Hospital",
        verbose_name=_("hospital"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")
        indexes = [models.Index(fields=["role", "region"])]

    def __str__(self) -> str:
        name = self.user.get_full_name() or self.user.get_username()
        where = f" @ {self.region.name}" if self.region_id else ""
        return f"{name} ({self.get_role_display()}{where})"
