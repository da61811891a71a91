"""Policy versions: validating and loading policy files, and choosing the version for a case."""

from __future__ import annotations

import datetime
import hashlib
import json
import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Length
from django.utils.translation import gettext as _

from aidflow.audit.models import AuditAction
from aidflow.audit.services import audit_record
from aidflow.core.errors import InputErrors
from aidflow.core.fields import FieldReader, money_text, rate_text
from aidflow.policy.models import AidType, CategoryGroup, PolicyRule, PolicyVersion
from aidflow.policy.requests import PolicyTerms, Rule
from aidflow.regions.codes import codes_above, normalise_code
from aidflow.regions.stages import LIMITED_STAGES

COUNTINGS = ("natural", "working")
TOP_LEVEL_FIELDS = {
    "code",
    "title",
    "region",
    "effective_from",
    "effective_to",
    "low_income_multiplier",
    "dibao_standard_monthly",
    "rules",
    "stage_limits",
    "authority",
    "authorities",
    "notes",
    "dibao_standard_is_demo",
}
AUTHORITY_FIELDS = ("name", "notice_prefix", "reconsideration_body", "court")
CODE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")


class PolicyConflict(Exception):
    """The same policy code is already loaded with different content."""


def _read_region(reader: FieldReader, data: dict, key: str, path: str) -> str | None:
    raw = reader.text(data, key, path, max_length=12)
    if raw is None:
        return None
    try:
        return normalise_code(raw)
    except ValidationError as error:
        reader.error(path, " ".join(error.messages))
        return None


def _read_authority(reader: FieldReader, value: object, path: str) -> dict | None:
    if not isinstance(value, dict):
        reader.error(path, _("Must be an object with %(fields)s.") % {"fields": ", ".join(AUTHORITY_FIELDS)})
        return None
    result = {}
    for field in AUTHORITY_FIELDS:
        result[field] = reader.text(value, field, f"{path}.{field}", max_length=200)
    for extra in sorted(set(value) - set(AUTHORITY_FIELDS)):
        reader.error(f"{path}.{extra}", _("Unknown field."))
    return result


def policy_parse(data: object) -> dict:
    """Validate a policy file and return its normalised content; InputErrors names every bad field."""
    reader = FieldReader()
    if not isinstance(data, dict):
        raise InputErrors({"": [_("A policy file is a JSON object.")]})
    for extra in sorted(set(data) - TOP_LEVEL_FIELDS):
        reader.error(extra, _("Unknown field."))

    code = reader.text(data, "code", "code", max_length=64)
    if code is not None and not CODE_PATTERN.match(code):
        reader.error("code", _("Use lowercase letters, digits, dots, dashes and underscores, e.g. dezhou-2015-69."))
    title = reader.text(data, "title", "title")
    region = _read_region(reader, data, "region", "region")
    effective_from = reader.date(data, "effective_from", "effective_from")
    effective_to = reader.date(data, "effective_to", "effective_to", required=False)
    if effective_from and effective_to and effective_to < effective_from:
        reader.error("effective_to", _("Must not be before effective_from."))
    multiplier = reader.decimal(
        data, "low_income_multiplier", "low_income_multiplier", places=4, maximum=Decimal(10), above_minimum=True
    )
    standards = reader.obj(data, "dibao_standard_monthly", "dibao_standard_monthly")
    rural = reader.money(standards, "rural", "dibao_standard_monthly.rural", positive=True) if standards else None
    urban = reader.money(standards, "urban", "dibao_standard_monthly.urban", positive=True) if standards else None
    notes = reader.text(data, "notes", "notes", required=False, max_length=2000)
    is_demo = reader.boolean(data, "dibao_standard_is_demo", "dibao_standard_is_demo", default=False)

    rules = []
    raw_rules = reader.get(data, "rules", "rules")
    if raw_rules is not None and not isinstance(raw_rules, list):
        reader.error("rules", _("Must be a list of rules."))
    elif isinstance(raw_rules, list):
        seen: dict[tuple, int] = {}
        for index, rule in enumerate(raw_rules):
            path = f"rules[{index}]"
            if not isinstance(rule, dict):
                reader.error(path, _("Must be an object."))
                continue
            group = reader.choice(rule, "category_group", f"{path}.category_group", CategoryGroup.values)
            aid_type = reader.choice(rule, "aid_type", f"{path}.aid_type", AidType.values)
            rate = reader.decimal(rule, "rate", f"{path}.rate", places=4, maximum=Decimal(1), above_minimum=True)
            deductible = reader.money(rule, "deductible", f"{path}.deductible")
            cap = reader.money(rule, "annual_cap", f"{path}.annual_cap", positive=True)
            for extra in sorted(set(rule) - {"category_group", "aid_type", "rate", "deductible", "annual_cap"}):
                reader.error(f"{path}.{extra}", _("Unknown field."))
            if group and aid_type:
                if (group, aid_type) in seen:
                    reader.error(
                        path,
                        _("A second rule for %(group)s / %(type)s (the first is rules[%(first)d]).")
                        % {"group": group, "type": aid_type, "first": seen[(group, aid_type)]},
                    )
                seen[(group, aid_type)] = index
            if None not in (group, aid_type, rate, deductible, cap):
                rules.append(
                    {
                        "category_group": group,
                        "aid_type": aid_type,
                        "rate": rate_text(rate),
                        "deductible": money_text(deductible),
                        "annual_cap": money_text(cap),
                    }
                )

    stage_limits = {}
    raw_limits = reader.obj(data, "stage_limits", "stage_limits")
    if raw_limits is not None:
        for stage in LIMITED_STAGES:
            limit = reader.obj(raw_limits, stage, f"stage_limits.{stage}")
            if limit is None:
                continue
            days = reader.integer(limit, "days", f"stage_limits.{stage}.days", minimum=1, maximum=365)
            counting = reader.choice(limit, "counting", f"stage_limits.{stage}.counting", list(COUNTINGS))
            if days is not None and counting is not None:
                stage_limits[stage] = {"days": days, "counting": counting}
        for extra in sorted(set(raw_limits) - set(LIMITED_STAGES)):
            reader.error(
                f"stage_limits.{extra}",
                _("Unknown stage; the stages are %(stages)s.") % {"stages": ", ".join(LIMITED_STAGES)},
            )

    authority = None
    if data.get("authority") is not None:
        authority = _read_authority(reader, data["authority"], "authority")
    authorities = {}
    if data.get("authorities") is not None:
        if not isinstance(data["authorities"], dict):
            reader.error("authorities", _("Must be an object keyed by region code."))
        else:
            for key, value in data["authorities"].items():
                path = f"authorities.{key}"
                try:
                    key_code = normalise_code(str(key))
                except ValidationError as error:
                    reader.error(path, " ".join(error.messages))
                    continue
                if region and not key_code.startswith(region):
                    reader.error(
                        path,
                        _("Region %(code)s lies outside the policy's region %(region)s.")
                        % {"code": key_code, "region": region},
                    )
                    continue
                entry = _read_authority(reader, value, path)
                if entry is not None:
                    authorities[key_code] = entry

    reader.raise_if_any()
    return {
        "code": code,
        "title": title,
        "region": region,
        "effective_from": effective_from.isoformat(),
        "effective_to": effective_to.isoformat() if effective_to else None,
        "low_income_multiplier": format(multiplier.normalize(), "f"),
        "dibao_standard_monthly": {"rural": money_text(rural), "urban": money_text(urban)},
        "dibao_standard_is_demo": is_demo,
        "notes": notes or "",
        "rules": rules,
        "stage_limits": stage_limits,
        "authority": authority,
        "authorities": dict(sorted(authorities.items())),
    }


def content_hash(content: dict) -> str:
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def policy_load(*, data: object) -> tuple[PolicyVersion, bool]:
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
        version = PolicyVersion.objects.create(
            code=content["code"],
            title=content["title"],
            region_code=content["region"],
            effective_from=content["effective_from"],
            effective_to=content["effective_to"],
            low_income_multiplier=Decimal(content["low_income_multiplier"]),
            dibao_standard_rural=Decimal(content["dibao_standard_monthly"]["rural"]),
            dibao_standard_urban=Decimal(content["dibao_standard_monthly"]["urban"]),
            notes=content["notes"],
            content=content,
            content_sha256=digest,
        )
        PolicyRule.objects.bulk_create(
            PolicyRule(
                version=version,
                category_group=rule["category_group"],
                aid_type=rule["aid_type"],
                rate=Decimal(rule["rate"]),
                deductible=Decimal(rule["deductible"]),
                annual_cap=Decimal(rule["annual_cap"]),
            )
            for rule in content["rules"]
        )
        audit_record(
            actor=None,
            actor_name="load_policy",
            action=AuditAction.POLICY_LOADED,
            region=version.region_code,
            details={"code": version.code, "sha256": digest, "rules": len(content["rules"])},
        )
    return version, True


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
    return PolicyTerms(
        code=version.code,
        low_income_multiplier=version.low_income_multiplier,
        dibao_standard={"rural": version.dibao_standard_rural, "urban": version.dibao_standard_urban},
        rules={
            (rule.category_group, rule.aid_type): Rule(rule.rate, rule.deductible, rule.annual_cap)
            for rule in version.rules.all()
        },
    )
