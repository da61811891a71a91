"""Policy versions: validating and loading policy files, and choosing the version for a case."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models.functions import Length
from django.utils.translation import gettext as _

from aidflow.audit.models import AuditAction
from aidflow.audit.services import audit_record
from aidflow.policy.files import content_hash, policy_parse
from aidflow.policy.models import PolicyRule, PolicyVersion
from aidflow.policy.requests import PolicyTerms, Rule
from aidflow.regions.codes import codes_above


class PolicyConflict(Exception):
    """The same policy code is already loaded with different content."""


def policy_load(*, data: object, actor=None) -> tuple[PolicyVersion, bool]:
    """Load a policy file as a new immutable version; returns (version, created).

    Loading the same content again changes nothing; the same code with other content is refused.
    """
    content = policy_parse(data)
    digest = content_hash(content)
    with transaction.atomic():
        existing = PolicyVersion.objects.select_for_update().filter(code=content["code"]).first()
        if existing is not None:
            if existing.content_sha256 == digest:
                return existing, False
            raise PolicyConflict(
                _(
                    "Policy %(code)s is already loaded with different content. Versions never change: "
                    "give the new version a new code."
                )
                % {"code": content["code"]}
            )
        version = _version_of(content, digest)
        version.save()
        PolicyRule.objects.bulk_create(_rules_of(content, version))
        audit_record(
            actor=actor,
            actor_name=None if actor else "load_policy",
            action=AuditAction.POLICY_LOADED,
            region=version.region_code,
            details={"code": version.code, "sha256": digest, "rules": len(content["rules"])},
        )
    return version, True


def _version_of(content: dict, digest: str) -> PolicyVersion:
    """An unsaved version of a parsed policy file."""
    return PolicyVersion(
        code=content["code"],
        title=content["title"],
        region_code=content["region"],
        effective_from=content["effective_from"],
        effective_to=content["effective_to"],
        low_income_multiplier=Decimal(content["low_income_multiplier"]),
        dibao_standard_rural=Decimal(content["dibao_standard_monthly"]["rural"]),
        dibao_standard_urban=Decimal(content["dibao_standard_monthly"]["urban"]),
        notes=content["notes"],
        demo=content.get("demo", False),
        content=content,
        content_sha256=digest,
    )


def _rules_of(content: dict, version: PolicyVersion) -> list[PolicyRule]:
    return [
        PolicyRule(
            version=version,
            category_group=rule["category_group"],
            aid_type=rule["aid_type"],
            rate=Decimal(rule["rate"]),
            deductible=Decimal(rule["deductible"]),
            annual_cap=Decimal(rule["annual_cap"]),
            insured=rule.get("insured", True),
            basis=rule.get("basis", ""),
        )
        for rule in content["rules"]
    ]


def policy_preview(*, data: object) -> tuple[PolicyVersion, PolicyTerms]:
    """A policy file read as `policy_load` reads it, nothing saved: the unsaved version and the
    formula's view of it, for a simulation before the version is confirmed. Raises InputErrors."""
    content = policy_parse(data)
    version = _version_of(content, content_hash(content))
    return version, _terms(version, _rules_of(content, version))


def policy_select(*, region_code: str, filing_date: datetime.date) -> PolicyVersion | None:
    """The policy version for a case: longest region prefix first, then the latest effective_from."""
    return (
        PolicyVersion.objects.filter(region_code__in=codes_above(region_code), effective_from__lte=filing_date)
        .exclude(effective_to__lt=filing_date)
        .annotate(prefix_length=Length("region_code"))
        .order_by("-prefix_length", "-effective_from")
        .prefetch_related("rules")
        .first()
    )


def policy_terms(version: PolicyVersion) -> PolicyTerms:
    """The formula's view of a stored policy version."""
    return _terms(version, version.rules.all())


def _terms(version: PolicyVersion, version_rules) -> PolicyTerms:
    rules: dict[bool, dict] = {True: {}, False: {}}
    for rule in version_rules:
        rules[rule.insured][(rule.category_group, rule.aid_type)] = Rule(
            rule.rate, rule.deductible, rule.annual_cap, rule.basis
        )
    return PolicyTerms(
        code=version.code,
        low_income_multiplier=version.low_income_multiplier,
        dibao_standard={"rural": version.dibao_standard_rural, "urban": version.dibao_standard_urban},
        rules=rules[True],
        uninsured_rules=rules[False],
        extra_groups={extra["code"]: extra["group"] for extra in version.extra_categories},
        extra_names={extra["code"]: extra["name"] for extra in version.extra_categories},
        demo=version.demo,
        title=version.title,
        dibao_is_demo=bool(version.content.get("dibao_standard_is_demo")),
    )
