"""Versioned aid policy: rates, caps, deductibles, day limits and authorities are data, not code."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from aidflow.regions.codes import codes_above


class CategoryGroup(models.TextChoices):
    KEY_RECIPIENT = "key_recipient", _("Key recipient")
    LOW_INCOME = "low_income", _("Low-income")


class AidType(models.TextChoices):
    HOSPITALIZATION = "hospitalization", _("Hospitalization aid")
    MAJOR_DISEASE = "major_disease", _("Major-disease aid")
    OUTPATIENT = "outpatient", _("Outpatient aid")


class Category(models.TextChoices):
    DIBAO = "dibao", _("Minimum-living-guarantee recipient")
    TEKUN = "tekun", _("Person in extreme poverty")
    ORPHAN = "orphan", _("Orphan")
    CHILD_IN_DISTRESS = "child_in_distress", _("Child in distress")
    LOW_INCOME = "low_income", _("Low-income person")


# The registered poor (建档立卡贫困人口, seed 002 lines ~155, ~558): a roll kind the rolls always
# take; its aid rules are the county's, declared in the policy file as an extra category.
POVERTY_REGISTERED = "poverty_registered"

CATEGORY_GROUP = {
    Category.DIBAO: CategoryGroup.KEY_RECIPIENT,
    Category.TEKUN: CategoryGroup.KEY_RECIPIENT,
    Category.ORPHAN: CategoryGroup.KEY_RECIPIENT,
    Category.CHILD_IN_DISTRESS: CategoryGroup.KEY_RECIPIENT,
    Category.LOW_INCOME: CategoryGroup.LOW_INCOME,
}


class PolicyVersion(models.Model):
    """One immutable version of a region's medical-aid policy, as loaded from a policy file."""

    code = models.CharField(_("code"), max_length=64, unique=True)
    title = models.CharField(_("title"), max_length=500)
    region_code = models.CharField(
        _("region code"), max_length=12, db_index=True, help_text=_("Applies to regions with this code prefix.")
    )
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective to"), null=True, blank=True)
    low_income_multiplier = models.DecimalField(_("low-income multiplier"), max_digits=6, decimal_places=4)
    dibao_standard_rural = models.DecimalField(_("rural minimum-living standard"), max_digits=12, decimal_places=2)
    dibao_standard_urban = models.DecimalField(_("urban minimum-living standard"), max_digits=12, decimal_places=2)
    notes = models.TextField(_("notes"), blank=True)
    # A stand-in a county has not confirmed: everything calculated under it says 演示政策.
    demo = models.BooleanField(_("demo policy"), default=False)
    # The whole normalised file: stage limits, authorities and everything a later feature reads.
    content = models.JSONField(_("content"))
    content_sha256 = models.CharField(_("content SHA-256"), max_length=64)
    loaded_at = models.DateTimeField(_("loaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("policy version")
        verbose_name_plural = _("policy versions")
        ordering = ["region_code", "-effective_from"]

    def __str__(self) -> str:
        return self.code

    @property
    def stage_limits(self) -> dict:
        return self.content["stage_limits"]

    @property
    def extra_categories(self) -> list[dict]:
        """County-defined categories: [{"code", "name", "group"}]."""
        return self.content.get("extra_categories") or []

    @property
    def designated_only(self) -> bool:
        """Only stays at a designated hospital (on the register on the discharge date) count."""
        return bool((self.content.get("hospital_rules") or {}).get("designated_only"))

    @property
    def referral_required_outside_county(self) -> bool:
        """A stay at a hospital outside the paying county counts only with a referral on file."""
        return bool((self.content.get("hospital_rules") or {}).get("referral_required_outside_county"))

    @property
    def basic_insurance_rules(self) -> dict:
        """{"basis", "levels": {"1": {"rate", "deductible_first", "deductible_later"}, ...}}, or {}."""
        return self.content.get("basic_insurance_rules") or {}

    @property
    def annual_cap_pool(self) -> str:
        """ "two" (default): a key recipient's inpatient and major-disease caps are separate; "one": shared."""
        return self.content.get("annual_cap_pool") or "two"

    @property
    def premium_subsidy(self) -> dict | None:
        """{"reference_date", "amount"}: the roll day and the individual premium the county pays for
        each 特困 and 低保 person (资助参保, seed 002 line ~1776), when the policy gives them."""
        return self.content.get("premium_subsidy")

    def category_name(self, code: str) -> str:
        for extra in self.extra_categories:
            if extra["code"] == code:
                return extra["name"]
        return str(Category(code).label) if code in Category.values else code

    def authority_for(self, region_code: str) -> dict | None:
        """The deciding authority for a region: the longest matching entry of `authorities`, else `authority`."""
        authorities = self.content.get("authorities") or {}
        for code in reversed(codes_above(region_code)):
            if authorities.get(code):
                return authorities[code]
        return self.content.get("authority")


class PolicyRule(models.Model):
    """Rate, deductible and annual cap for one category group and aid type within a policy version."""

    version = models.ForeignKey(PolicyVersion, on_delete=models.PROTECT, related_name="rules")
    # A built-in group (CategoryGroup) or one the version's `extra_categories` declares.
    category_group = models.CharField(_("category group"), max_length=20)
    aid_type = models.CharField(_("aid type"), max_length=20, choices=AidType.choices)
    # False: the county's rule for people outside basic medical insurance (seed 002 line ~1786).
    insured = models.BooleanField(_("for the insured"), default=True)
    rate = models.DecimalField(_("rate"), max_digits=5, decimal_places=4)
    deductible = models.DecimalField(_("annual deductible"), max_digits=12, decimal_places=2)
    annual_cap = models.DecimalField(_("annual cap"), max_digits=12, decimal_places=2)
    # Where in the policy text the rule stands, e.g. "四、（三）3.（1）"; notices cite it.
    basis = models.CharField(_("basis in the text"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("policy rule")
        verbose_name_plural = _("policy rules")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "category_group", "aid_type", "insured"], name="policy_rule_unique_insured"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.version.code}: {self.category_group}/{self.aid_type}"


class ReasonCode(models.TextChoices):
    """Why a calculation came out as it did (INTERFACES section 4)."""

    NO_POLICY = "NO_POLICY"
    RULE_NOT_CONFIGURED = "RULE_NOT_CONFIGURED"
    INCOME_ABOVE_LIMIT = "INCOME_ABOVE_LIMIT"
    NO_QUALIFYING_CONDITION = "NO_QUALIFYING_CONDITION"
    NOT_INSURED = "NOT_INSURED"
    NO_SERIOUS_ILLNESS_INSURANCE = "NO_SERIOUS_ILLNESS_INSURANCE"
    NOT_ON_ROLL = "NOT_ON_ROLL"
    EXPENSE_OUT_OF_WINDOW = "EXPENSE_OUT_OF_WINDOW"
    BELOW_DEDUCTIBLE = "BELOW_DEDUCTIBLE"
    CAP_REACHED = "CAP_REACHED"
    NOTHING_REMAINING = "NOTHING_REMAINING"
    # Stays that do not count (INTERFACES section 11); the others still do.
    NOT_DESIGNATED = "NOT_DESIGNATED"
    NO_REFERRAL = "NO_REFERRAL"


class WarningCode(models.TextChoices):
    """What a reviewer should look at; a warning never changes the amount (INTERFACES section 11)."""

    INSURANCE_IMPLAUSIBLE = "INSURANCE_IMPLAUSIBLE"
