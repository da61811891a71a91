"""The one table of names people read for the codes the system keeps: field paths, calculation
reasons and warnings, statistics checks, categories, aid types, routes, stages, statuses, document
and notice kinds, audit detail keys and values, ICD-10 chapters, region codes.

Screens, PDFs, CSV/XLSX files and the API's human `message` texts take their words from here; the
API's `code` fields and the stored data keep the codes.

An unknown code is never shown as it is: `label()` logs it once (logger "aidflow.labels", WARNING,
so a missing entry is found in the logs) and gives "未列明的代码" (msgid "Unlisted code"). Plain
values that are not code-shaped (names, numbers, dates, document numbers) pass through untouched.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping

from django.utils import translation
from django.utils.translation import gettext as _

from aidflow.core.labels.codes import CHECK, KINDS
from aidflow.core.labels.icd10 import chapter_label
from aidflow.core.labels.paths import FIELDS, ITEMS, PART

logger = logging.getLogger("aidflow.labels")
# A code-shaped word: snake_case or UPPER_SNAKE (what the walker test refuses on any screen).
CODE_SHAPED = re.compile(r"^(?:[a-z]+(?:_[a-z0-9]+)+|[A-Z]{2,}(?:_[A-Z0-9]+)+)$")
# Values whose key says which table names them; any other code-shaped value is looked up everywhere.
VALUE_KINDS = {
    "category": "category",
    "category_group": "category_group",
    "group": "category_group",
    "aid_type": "aid_type",
    "route": "route",
    "stage": "stage",
    "status": "status",
    "method": "delivery",
    "relationship": "relationship",
    "relation": "relationship",
    "residence": "residence",
    "warnings": "warning",
    "reasons": "reason",
    "code": "reason",
    "role": "role",
    "decision": "task_route",
    "source": "source",
    "outcome": "appeal_outcome",
    "list": "list_name",
}
# A permission ("regions.check_village"): the app, then what it allows.
PERMISSION = re.compile(r"^[a-z]+\.(?P<name>[a-z]+(?:_[a-z]+)+)$")
_reported: set[tuple[str, str]] = set()


def _unknown(kind: str, code: str) -> str:
    if (kind, code) not in _reported:
        _reported.add((kind, code))
        logger.warning("No label for the %s code %r: add it to aidflow/core/labels", kind, code)
    return _("Unlisted code")


def label(kind: str, code) -> str:
    """The name of `code` in the table `kind` ("category", "reason", "check", "chapter", ...)."""
    if code is None or code == "":
        return ""
    code = str(code)
    if kind == "chapter":
        return chapter_label(code) or _unknown(kind, code)
    if kind == "check" and code.startswith("SUM_BY_"):
        breakdown = KINDS["breakdown"].get(code[4:].lower())
        if breakdown is not None:
            return _("%(breakdown)s: the groups add up to the totals") % {"breakdown": breakdown}
    table = KINDS.get(kind)
    if table is None:
        raise KeyError(f"no label table {kind!r}")
    found = table.get(code)
    return str(found) if found is not None else _unknown(kind, code)


class Chinese(Mapping):
    """A table's names in Chinese whatever the request's language, as a read-only dict
    (`CATEGORY_NAMES.get(code, code)`): for the texts that are Chinese on paper and in the stored
    explanation of a calculation. Read on use, so it may be made at import time."""

    def __init__(self, kind: str):
        self.kind = kind

    def _names(self) -> dict[str, str]:
        with translation.override("zh-hans"):
            return {code: str(name) for code, name in KINDS[self.kind].items()}

    def __getitem__(self, code):
        return self._names()[code]

    def __iter__(self):
        return iter(KINDS[self.kind])

    def __len__(self):
        return len(KINDS[self.kind])


def any_label(code) -> str | None:
    """The name of a code of whatever kind, or None when no table has it."""
    for table in KINDS.values():
        if code in table:
            return str(table[code])
    return None


def field_label(path: str) -> str:
    """ "stays[0].discharge_date" -> "第 1 次住院 · 出院日期"; "patient.id_number" -> "患者 · 身份证号"."""
    parts = []
    for piece in str(path).split("."):
        match = PART.fullmatch(piece)
        if match is None:
            parts.append(piece)
            continue
        name, index = match["name"], match["index"]
        if index is not None and name in ITEMS:
            parts.append(str(ITEMS[name]) % {"number": int(index) + 1})
            continue
        named = FIELDS.get(name)
        if named is None:
            named = _unknown("field", name) if CODE_SHAPED.match(name) or name.islower() else name
        parts.append(str(named) if index is None else f"{named} {int(index) + 1}")
    return " · ".join(parts)


def detail_key(key) -> str:
    """A key of an audit event's details, named for people."""
    key = str(key)
    named = FIELDS.get(key)
    if named is not None:
        return str(named)
    return _unknown("detail key", key) if CODE_SHAPED.match(key) or key.isascii() else key


def value_label(key, value) -> str:
    """A detail's value: a code named by the table its key points to (else by any table), yes/no,
    "—" for nothing; names, numbers and dates as they are."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    text = str(value)
    kind = VALUE_KINDS.get(str(key))
    if kind and text in KINDS[kind]:
        return str(KINDS[kind][text])
    if kind == "reason" and text in KINDS["warning"]:
        return str(KINDS["warning"][text])
    permission = PERMISSION.match(text)
    if permission and permission["name"] in FIELDS:
        return str(FIELDS[permission["name"]])
    named = any_label(text) if (CODE_SHAPED.match(text) or (text.isalpha() and text.islower())) else None
    if named is not None:
        return named
    return _unknown("value", text) if CODE_SHAPED.match(text) else text


def _value(key, value, changed: bool) -> str:
    if isinstance(value, dict):
        return "（" + "，".join(f"{detail_key(k)}: {_value(k, v, False)}" for k, v in value.items()) + "）"
    if isinstance(value, list | tuple):
        items = [_value(key, item, False) for item in value]
        # A change is [before, after].
        return " → ".join(items) if changed and len(items) == 2 else "、".join(items)
    return value_label(key, value)


def detail_lines(details, _prefix: str = "", _changed: bool = False) -> list[str]:
    """An audit event's details as "名称: 值" lines, nested keys joined by " · "."""
    lines = []
    for key, value in (details or {}).items():
        name = f"{_prefix}{detail_key(key)}"
        changed = _changed or key == "changed"
        if isinstance(value, dict) and value:
            lines.extend(detail_lines(value, f"{name} · ", changed))
        else:
            lines.append(f"{name}: {_value(key, value, changed)}")
    return lines


def actor_label(name) -> str:
    """The audit log's actor: a command or job by its name for people, a person by sign-in name."""
    return str(KINDS["system_actor"].get(name, name or ""))


def region_names(codes) -> dict[str, str]:
    """{code: name} of the regions with these codes (the regions' own table, read once)."""
    from django.apps import apps

    codes = {str(code) for code in codes if code}
    if not codes:
        return {}
    region = apps.get_model("regions", "Region")
    return dict(region.objects.filter(code__in=codes).values_list("code", "name"))


def region_name(code) -> str:
    """A region's name; the code itself for a region not in the table (a code is a number people
    also use, so it is shown rather than hidden)."""
    return region_names([code]).get(str(code), str(code or ""))


__all__ = [
    "CHECK",
    "KINDS",
    "Chinese",
    "actor_label",
    "any_label",
    "detail_key",
    "detail_lines",
    "field_label",
    "label",
    "region_name",
    "region_names",
    "value_label",
]
