"""Policy files (INTERFACES section 3): every field checked, each error naming its field, and the
content normalised so the same file always hashes the same."""

from __future__ import annotations

import hashlib
import json
import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from aidflow.core.errors import InputErrors
from aidflow.core.fields import MISSING, FieldReader, money_text, rate_text
from aidflow.policy.models import AidType, Category, CategoryGroup
from aidflow.regions.codes import normalise_code
from aidflow.regions.stages import LIMITED_STAGES

COUNTINGS = ("natural", "working")
TOP_LEVEL_FIELDS = {
    "premium_subsidy",
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
    "demo",
    "extra_categories",
    "hospital_rules",
    "basic_insurance_rules",
    "annual_cap_pool",
}
HOSPITAL_RULES = ("designated_only", "referral_required_outside_county")
CAP_POOLS = ("one", "two")
LEVELS = ("1", "2", "3")
INSURANCE_LEVEL_FIELDS = ("rate", "deductible_first", "deductible_later")
RULE_FIELDS = {"category_group", "aid_type", "rate", "deductible", "annual_cap", "insured", "basis"}
IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]{1,19}$")
AUTHORITY_FIELDS = ("name", "notice_prefix", "reconsideration_body", "court")
CODE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")


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


def _read_extra_categories(reader: FieldReader, raw: object) -> list[dict]:
    """County-defined categories, each in a group of its own or a built-in one (seed 002 line ~1768)."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        reader.error("extra_categories", _("Must be a list of categories."))
        return []
    result, seen = [], set(Category.values)
    for index, entry in enumerate(raw):
        path = f"extra_categories[{index}]"
        if not isinstance(entry, dict):
            reader.error(path, _("Must be an object."))
            continue
        code = reader.text(entry, "code", f"{path}.code", max_length=20)
        name = reader.text(entry, "name", f"{path}.name", max_length=50)
        group = reader.text(entry, "group", f"{path}.group", max_length=20)
        for extra in sorted(set(entry) - {"code", "name", "group"}):
            reader.error(f"{path}.{extra}", _("Unknown field."))
        for field, value in (("code", code), ("group", group)):
            if value is not None and not IDENTIFIER.match(value):
                reader.error(f"{path}.{field}", _("Use 2-20 lowercase letters, digits and underscores."))
        if code in seen:
            reader.error(f"{path}.code", _("The category %(code)s already exists.") % {"code": code})
        elif None not in (code, name, group):
            seen.add(code)
            result.append({"code": code, "name": name, "group": group})
    return result


def _read_rules(reader: FieldReader, raw_rules: object, groups: set[str]) -> list[dict]:
    if raw_rules is not MISSING and not isinstance(raw_rules, list):
        reader.error("rules", _("Must be a list of rules."))
        return []
    rules = []
    seen: dict[tuple, int] = {}
    for index, rule in enumerate(raw_rules or []):
        path = f"rules[{index}]"
        if not isinstance(rule, dict):
            reader.error(path, _("Must be an object."))
            continue
        group = reader.choice(rule, "category_group", f"{path}.category_group", sorted(groups))
        aid_type = reader.choice(rule, "aid_type", f"{path}.aid_type", AidType.values)
        rate = reader.decimal(rule, "rate", f"{path}.rate", places=4, maximum=Decimal(1), above_minimum=True)
        deductible = reader.money(rule, "deductible", f"{path}.deductible")
        cap = reader.money(rule, "annual_cap", f"{path}.annual_cap", positive=True)
        insured = reader.boolean(rule, "insured", f"{path}.insured", default=True)
        basis = reader.text(rule, "basis", f"{path}.basis", required=False, max_length=100) or ""
        for extra in sorted(set(rule) - RULE_FIELDS):
            reader.error(f"{path}.{extra}", _("Unknown field."))
        key = (group, aid_type, insured)
        if group and aid_type:
            if key in seen:
                reader.error(
                    path,
                    _("A second rule for %(group)s / %(type)s (the first is rules[%(first)d]).")
                    % {"group": group, "type": aid_type, "first": seen[key]},
                )
            seen[key] = index
        if None not in (group, aid_type, rate, deductible, cap, insured):
            entry = {
                "category_group": group,
                "aid_type": aid_type,
                "rate": rate_text(rate),
                "deductible": money_text(deductible),
                "annual_cap": money_text(cap),
            }
            # Defaults stay out of the stored content, so files written before these fields hash as before.
            if not insured:
                entry["insured"] = False
            if basis:
                entry["basis"] = basis
            rules.append(entry)
    return rules


def _read_hospital_rules(reader: FieldReader, raw: object) -> dict | None:
    """Only designated hospitals; a referral on file for a hospital outside the paying county
    (seed 002 lines ~1772, ~1792). Each rule is False when absent."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        reader.error("hospital_rules", _("Must be an object with %(fields)s.") % {"fields": ", ".join(HOSPITAL_RULES)})
        return None
    for extra in sorted(set(raw) - set(HOSPITAL_RULES)):
        reader.error(f"hospital_rules.{extra}", _("Unknown field."))
    return {name: reader.boolean(raw, name, f"hospital_rules.{name}", default=False) for name in HOSPITAL_RULES}


def _read_basic_insurance_rules(reader: FieldReader, raw: object) -> dict | None:
    """What basic insurance pays by hospital level and first or later stay of the medical year (for
    the shipped policies 德人社〔2016〕32号, seed 002 lines ~598-608): the plausibility check's yardstick."""
    if raw is None:
        return None
    path = "basic_insurance_rules"
    if not isinstance(raw, dict):
        reader.error(path, _("Must be an object with basis and levels."))
        return None
    for extra in sorted(set(raw) - {"basis", "levels"}):
        reader.error(f"{path}.{extra}", _("Unknown field."))
    basis = reader.text(raw, "basis", f"{path}.basis", required=False, max_length=100) or ""
    levels = reader.obj(raw, "levels", f"{path}.levels")
    result = {}
    for level in LEVELS:
        entry = reader.obj(levels, level, f"{path}.levels.{level}") if levels is not None else None
        if entry is None:
            continue
        for extra in sorted(set(entry) - set(INSURANCE_LEVEL_FIELDS)):
            reader.error(f"{path}.levels.{level}.{extra}", _("Unknown field."))
        rate = reader.decimal(entry, "rate", f"{path}.levels.{level}.rate", places=4, maximum=Decimal(1))
        first = reader.money(entry, "deductible_first", f"{path}.levels.{level}.deductible_first")
        later = reader.money(entry, "deductible_later", f"{path}.levels.{level}.deductible_later")
        if None not in (rate, first, later):
            result[level] = {
                "rate": rate_text(rate),
                "deductible_first": money_text(first),
                "deductible_later": money_text(later),
            }
    for extra in sorted(set(levels or {}) - set(LEVELS)):
        reader.error(f"{path}.levels.{extra}", _("Hospital levels are 1, 2 and 3."))
    return {"basis": basis, "levels": result}


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
    demo = reader.boolean(data, "demo", "demo", default=False)

    extra_categories = _read_extra_categories(reader, data.get("extra_categories"))
    groups = set(CategoryGroup.values) | {extra["group"] for extra in extra_categories}
    rules = _read_rules(reader, reader.get(data, "rules", "rules"), groups)

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

    hospital_rules = _read_hospital_rules(reader, data.get("hospital_rules"))
    insurance_rules = _read_basic_insurance_rules(reader, data.get("basic_insurance_rules"))
    cap_pool = reader.choice(data, "annual_cap_pool", "annual_cap_pool", list(CAP_POOLS), required=False)
    premium = None
    if data.get("premium_subsidy") is not None:
        raw = reader.obj(data, "premium_subsidy", "premium_subsidy")
        if raw is not None:
            day = reader.date(raw, "reference_date", "premium_subsidy.reference_date")
            amount = reader.money(raw, "amount", "premium_subsidy.amount", positive=True)
            for extra in sorted(set(raw) - {"reference_date", "amount"}):
                reader.error(f"premium_subsidy.{extra}", _("Unknown field."))
            if day is not None and amount is not None:
                premium = {"reference_date": day.isoformat(), "amount": money_text(amount)}

    reader.raise_if_any()
    optional = {"demo": True} if demo else {}
    if extra_categories:
        optional["extra_categories"] = extra_categories
    # New keys are stored only when given, so files written before them hash as before.
    if hospital_rules is not None:
        optional["hospital_rules"] = hospital_rules
    if insurance_rules is not None:
        optional["basic_insurance_rules"] = insurance_rules
    if cap_pool is not None:
        optional["annual_cap_pool"] = cap_pool
    if premium is not None:
        optional["premium_subsidy"] = premium
    return {
        **optional,
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
