"""Each stage's payload (INTERFACES section 5) checked into clean values, every bad field named."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from aidflow.cases.choices import DeliveryMethod
from aidflow.cases.models import Application
from aidflow.cases.services.corrections import corrected_input
from aidflow.core.fields import FieldReader
from aidflow.regions.stages import Stage
from workflows.models import Route


def _missing_list(payload: dict) -> list[str]:
    missing = payload.get("missing") or []
    return [item.strip() for item in missing if isinstance(item, str) and item.strip()]


def _village_check(payload: dict, application: Application, reader: FieldReader) -> dict:
    clean = {
        "decision": reader.choice(payload, "decision", "decision", [Route.FORWARD, Route.RETURN]),
        "findings": reader.text(payload, "findings", "findings", required=False, max_length=5000) or "",
    }
    missing = payload.get("missing") or []
    if not isinstance(missing, list) or not all(isinstance(item, str) and item.strip() for item in missing):
        reader.error("missing", _("Must be a list of the missing materials."))
        missing = []
    clean["missing"] = [item.strip() for item in missing]
    if clean["decision"] == Route.RETURN and not clean["missing"] and not clean["findings"]:
        reader.error("missing", _("Say which materials are missing."))
    return clean


def _township_review(payload: dict, application: Application, reader: FieldReader) -> dict:
    today = timezone.localdate()
    clean = {"decision": reader.choice(payload, "decision", "decision", [Route.FORWARD, Route.REJECT, Route.RETURN])}
    clean["visit_date"] = reader.date(payload, "visit_date", "visit_date")
    if clean["visit_date"] and clean["visit_date"] > today:
        reader.error("visit_date", _("The home visit date is in the future."))
    if clean["visit_date"] and clean["visit_date"] < application.filing_date:
        reader.error("visit_date", _("The home visit date is before the filing date."))
    clean["visitors"] = reader.text(payload, "visitors", "visitors", required=False, max_length=200) or ""
    clean["findings"] = reader.text(payload, "findings", "findings", max_length=5000)
    needs_reasons = clean["decision"] in (Route.REJECT, Route.RETURN)
    clean["reasons"] = reader.text(payload, "reasons", "reasons", required=needs_reasons, max_length=5000) or ""
    clean["missing"] = _missing_list(payload)
    return clean


def _county_approval(payload: dict, application: Application, reader: FieldReader) -> dict:
    clean = {"decision": reader.choice(payload, "decision", "decision", [Route.APPROVE, Route.REJECT, Route.RETURN])}
    needs_reasons = clean["decision"] in (Route.REJECT, Route.RETURN)
    clean["reasons"] = reader.text(payload, "reasons", "reasons", required=needs_reasons, max_length=5000) or ""
    clean["amount"] = reader.money(payload, "amount", "amount", required=False)
    clean["excluded_costs"] = _excluded_costs(payload, reader) if clean["decision"] == Route.APPROVE else []
    clean["missing"] = _missing_list(payload)
    return clean


def _excluded_costs(payload: dict, reader: FieldReader) -> list[dict]:
    """`excluded_costs`: [{"stay": index, "amount": money > 0, "reason": text}] (INTERFACES section 11)."""
    raw = payload.get("excluded_costs")
    if raw in (None, []):
        return []
    if not isinstance(raw, list):
        reader.error("excluded_costs", _("Must be a list of {stay, amount, reason}."))
        return []
    items = []
    for position, item in enumerate(raw):
        path = f"excluded_costs[{position}]"
        if not isinstance(item, dict):
            reader.error(path, _("Must be an object."))
            continue
        stay = reader.integer(item, "stay", f"{path}.stay", minimum=0, maximum=49)
        amount = reader.money(item, "amount", f"{path}.amount", positive=True)
        reason = reader.text(item, "reason", f"{path}.reason", max_length=500)
        if None not in (stay, amount, reason):
            items.append({"stay": stay, "amount": amount, "reason": reason})
    return items


def _supplement(payload: dict, application: Application, reader: FieldReader) -> dict:
    return {
        "note": reader.text(payload, "note", "note", max_length=5000),
        "corrected_input": corrected_input(application, payload, reader),
    }


def _notice_delivery(payload: dict, application: Application, reader: FieldReader) -> dict:
    clean = {"delivered_on": reader.date(payload, "delivered_on", "delivered_on")}
    if clean["delivered_on"] and clean["delivered_on"] > timezone.localdate():
        reader.error("delivered_on", _("The delivery date is in the future."))
    clean["method"] = reader.choice(payload, "method", "method", DeliveryMethod.values)
    clean["recipient"] = reader.text(payload, "recipient", "recipient", max_length=100)
    return clean


READERS = {
    Stage.VILLAGE_CHECK: _village_check,
    Stage.TOWNSHIP_REVIEW: _township_review,
    Stage.COUNTY_APPROVAL: _county_approval,
    Stage.SUPPLEMENT: _supplement,
    Stage.NOTICE_DELIVERY: _notice_delivery,
}


def payload_clean(stage: str, payload: dict, application: Application) -> tuple[dict, FieldReader]:
    """The stage's payload as clean values, and the reader holding any errors found."""
    reader = FieldReader()
    if not isinstance(payload, dict):
        reader.error("body", _("The request is a JSON object."))
        return {}, reader
    return READERS[stage](payload, application, reader), reader
