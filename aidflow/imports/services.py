"""Imports with a preview (INTERFACES section 14, issue 29): upload -> every row's outcome and the
totals, read in the background with its progress -> confirm or discard.

County approvers import their county's rolls; administrators import the hospital register and
policies. The file is kept with its SHA-256 and its uploader. Confirming reads the rows' outcomes
again under locks: when the database changed since the preview the outcomes differ, nothing is
written and the file is to be previewed again. A file with errors is not confirmed (all rows or none).
"""

from __future__ import annotations

import hashlib
import json
import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aidflow.audit.models import AuditAction
from aidflow.audit.services import audit_record
from aidflow.core.errors import ActionForbidden, Conflict, InputErrors, NotFound, error_messages
from aidflow.core.inserts import rows_insert
from aidflow.core.tables import IMPORT_LIMITS, table_read
from aidflow.imports.models import DataImport, ImportKind, ImportRow, ImportStatus
from aidflow.policy.files import content_hash as policy_hash
from aidflow.policy.files import policy_parse
from aidflow.policy.models import PolicyVersion
from aidflow.policy.services import PolicyConflict, policy_load
from aidflow.regions.models import Role
from aidflow.regions.scope import role_of, scope_codes
from aidflow.reports.simulation import policy_simulate
from aidflow.rolls.applying import hospitals_apply, recipients_apply
from aidflow.rolls.importing import (
    ADDED,
    ERRORS,
    UNCHANGED,
    ImportRefused,
    RowError,
    RowOutcome,
    counts_of,
    hospitals_classify,
    hospitals_read,
    recipients_classify,
    recipients_read,
)

logger = logging.getLogger(__name__)
KEPT_ERRORS = 1000
ROW_CHUNK = 5000
KIND_ROLES = {
    ImportKind.RECIPIENTS: Role.COUNTY_APPROVER,
    ImportKind.HOSPITALS: Role.ADMIN,
    ImportKind.POLICY: Role.ADMIN,
}


def _county_of(user) -> str:
    return next((code[:6] for code in scope_codes(user, ["regions.approve_county"]) if len(code) >= 6), "")


def _may_import(user, kind: str) -> bool:
    return role_of(user) == KIND_ROLES.get(kind)


def import_kinds(user) -> list[tuple[str, str]]:
    """The kinds of file the user may import, for the upload form."""
    return [(kind.value, kind.label) for kind in ImportKind if _may_import(user, kind)]


def import_upload(*, user, kind: object, upload) -> DataImport:
    """Keep an uploaded file for its preview (read by `import_build`, queued by the caller)."""
    errors = {}
    if kind not in ImportKind.values:
        errors["kind"] = [_("The kind is recipients, hospitals or policy.")]
    if upload is None:
        errors["file"] = [_("Choose a file to upload.")]
    if errors:
        raise InputErrors(errors)
    if not _may_import(user, kind):
        if kind == ImportKind.RECIPIENTS:
            raise ActionForbidden(_("County approvers import their county's rolls."))
        raise ActionForbidden(_("Administrators import the hospital register and policies."))
    county = _county_of(user) if kind == ImportKind.RECIPIENTS else ""
    if kind == ImportKind.RECIPIENTS and not county:
        raise ActionForbidden(_("County approvers import their county's rolls."))
    content = upload.read(IMPORT_LIMITS.max_bytes + 1)
    if len(content) > IMPORT_LIMITS.max_bytes:
        raise InputErrors(
            {"file": [_("The file is larger than %(size)d MB.") % {"size": IMPORT_LIMITS.max_bytes >> 20}]}
        )
    if not content:
        raise InputErrors({"file": [_("The file is empty.")]})
    name = (getattr(upload, "name", "") or "upload")[-200:]
    with transaction.atomic():
        data_import = DataImport(
            kind=kind,
            filename=name,
            sha256=hashlib.sha256(content).hexdigest(),
            size=len(content),
            county=county,
            uploaded_by=user,
        )
        data_import.file.save(f"{kind}-{timezone.now():%Y%m%d%H%M%S}-{name.rsplit('/', 1)[-1]}", ContentFile(content))
        audit_record(
            actor=user,
            action=AuditAction.IMPORT_PREVIEWED,
            region=county,
            details={"import": data_import.pk, "kind": kind, "file": name, "sha256": data_import.sha256},
        )
    return data_import


def _read_rows(data_import: DataImport, progress) -> tuple[list, list[RowError], list[str], dict | None]:
    """(outcomes, errors, persons leaving every roll, simulation) of the stored file; nothing written."""
    content = data_import.file.open("rb").read()
    if data_import.kind == ImportKind.POLICY:
        return _read_policy(content)
    table = table_read(content, limits=IMPORT_LIMITS)
    if data_import.kind == ImportKind.HOSPITALS:
        parsed, errors = hospitals_read(table)
        return hospitals_classify(parsed), errors, [], None
    parsed, errors = recipients_read(table, county=data_import.county or None)
    data_import.rows_total = len(parsed) + len({error.row for error in errors})
    data_import.save(update_fields=["rows_total"])
    outcomes, left = recipients_classify(parsed, scope=data_import.county or None, progress=progress)
    return outcomes, errors, left, None


def _policy_data(content: bytes):
    try:
        return json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as error:
        raise ImportRefused(_("The policy file is not JSON in UTF-8: %(error)s") % {"error": error}) from None


def _read_policy(content: bytes):
    data = _policy_data(content)
    try:
        parsed = policy_parse(data)
    except InputErrors as error:
        errors = [
            RowError(None, key or "file", message) for key, messages in error.errors.items() for message in messages
        ]
        return [], errors, [], None
    existing = PolicyVersion.objects.filter(code=parsed["code"]).first()
    if existing is not None and existing.content_sha256 != policy_hash(parsed):
        message = _("Policy %(code)s is already loaded with different content: give the new version a new code.")
        return [], [RowError(None, "code", message % {"code": parsed["code"]})], [], None
    kind = ADDED if existing is None else UNCHANGED
    outcome = RowOutcome(1, kind, [parsed["code"]], {"title": parsed["title"], "region": parsed["region"]})
    return [outcome], [], [], policy_simulate(data=data).as_json()


def _store_rows(data_import: DataImport, outcomes: list, errors: list[RowError]) -> None:
    by_row: dict = {}
    for error in errors:
        by_row.setdefault(error.row or 0, []).append({"column": error.column, "message": error.message})
    rows = [(data_import.pk, row, ERRORS, {"errors": found}) for row, found in by_row.items()]
    rows += [(data_import.pk, outcome.row, outcome.outcome, outcome.as_json()) for outcome in outcomes]
    rows_insert(ImportRow, ["data_import", "row", "outcome", "data"], rows)


def import_build(pk: int) -> DataImport:
    """Read a queued import into its preview: every row's outcome stored, the totals, the first
    errors; the progress kept as the rows are read. A file that cannot be read at all fails with
    its reason."""
    with transaction.atomic():
        data_import = DataImport.objects.select_for_update().get(pk=pk)
        if data_import.status != ImportStatus.QUEUED:
            return data_import
        data_import.status = ImportStatus.READING
        data_import.save(update_fields=["status"])

    def progress(rows: int) -> None:
        data_import.rows_done += rows
        DataImport.objects.filter(pk=pk).update(rows_done=data_import.rows_done)

    try:
        outcomes, errors, left, simulation = _read_rows(data_import, progress)
    except (ImportRefused, InputErrors) as error:
        text = error.text() if isinstance(error, InputErrors) else str(error)
        return _finish(data_import, ImportStatus.FAILED, message=text)
    except Exception as error:
        logger.exception("import %s could not be read", pk)
        _finish(data_import, ImportStatus.FAILED, message=str(error)[:1000])
        raise
    with transaction.atomic():
        _store_rows(data_import, outcomes, errors)
        data_import.counts = counts_of(outcomes, errors)
        data_import.errors = [error.as_json() for error in errors[:KEPT_ERRORS]]
        data_import.left = left
        data_import.simulation = simulation
        data_import.rows_total = data_import.rows_done = len(outcomes) + data_import.counts[ERRORS]
        data_import.save(update_fields=["counts", "errors", "left", "simulation", "rows_total", "rows_done"])
        return _finish(data_import, ImportStatus.PREVIEW)


def _finish(data_import: DataImport, status: str, *, message: str = "") -> DataImport:
    data_import.status, data_import.message, data_import.finished_at = status, message, timezone.now()
    data_import.save(update_fields=["status", "message", "finished_at"])
    return data_import


def imports_of(user):
    """The imports the user may see: a county approver their county's rolls, an administrator the
    register and policies (and every county's rolls)."""
    found = DataImport.objects.select_related("uploaded_by")
    if role_of(user) == Role.ADMIN:
        return found
    county = _county_of(user)
    if role_of(user) != Role.COUNTY_APPROVER or not county:
        return found.none()
    return found.filter(kind=ImportKind.RECIPIENTS, county=county)


def import_get(*, user, pk) -> DataImport:
    data_import = imports_of(user).filter(pk=pk).first()
    if data_import is None:
        raise NotFound(_("No such import."))
    return data_import


def _decide(*, user, pk, to: str) -> DataImport:
    data_import = import_get(user=user, pk=pk)
    if not _may_import(user, data_import.kind):
        raise ActionForbidden(_("Only who may import this kind of file confirms or discards it."))
    data_import = DataImport.objects.select_for_update().get(pk=data_import.pk)
    if data_import.status != ImportStatus.PREVIEW:
        message = _("Only an import in preview can be confirmed or discarded; this one is %(status)s.")
        raise Conflict({"status": [message % {"status": data_import.get_status_display()}]})
    if to == ImportStatus.CONFIRMING and data_import.counts.get(ERRORS):
        message = _(
            "The file has %(count)d rows with errors: correct them and upload the file again; nothing was written."
        )
        raise Conflict({"rows": [message % {"count": data_import.counts[ERRORS]}]})
    data_import.status, data_import.decided_by, data_import.decided_at = to, user, timezone.now()
    data_import.save(update_fields=["status", "decided_by", "decided_at"])
    return data_import


def import_discard(*, user, pk) -> DataImport:
    with transaction.atomic():
        data_import = _decide(user=user, pk=pk, to=ImportStatus.DISCARDED)
        audit_record(
            actor=user,
            action=AuditAction.IMPORT_DISCARDED,
            region=data_import.county,
            details={"import": data_import.pk, "kind": data_import.kind, "sha256": data_import.sha256},
        )
    return data_import


def import_confirm(*, user, pk) -> DataImport:
    """Mark a preview without errors for writing (`import_write`, queued by the caller)."""
    with transaction.atomic():
        return _decide(user=user, pk=pk, to=ImportStatus.CONFIRMING)


def _stored_outcomes(data_import: DataImport) -> dict:
    """The parsed rows of the preview, as recipients_read / hospitals_read gave them."""
    parsed = {}
    rows = data_import.rows.exclude(outcome=ERRORS).values_list("data", flat=True).iterator(chunk_size=ROW_CHUNK)
    for data in rows:
        key = tuple(data["key"]) if data_import.kind == ImportKind.RECIPIENTS else data["key"][0]
        parsed[key] = {"row": data["row"], **data["fields"]}
    return parsed


def import_write(pk: int) -> DataImport:
    """Write a confirmed import: the outcomes read again under locks must be those of the preview."""
    data_import = DataImport.objects.get(pk=pk)
    if data_import.status != ImportStatus.CONFIRMING:
        return data_import
    try:
        with transaction.atomic():
            data_import = DataImport.objects.select_for_update().get(pk=pk)
            result = _write(data_import)
            data_import.result, data_import.status = result, ImportStatus.CONFIRMED
            data_import.finished_at = timezone.now()
            data_import.save(update_fields=["result", "status", "finished_at"])
    except Conflict as error:
        return _finish(data_import, ImportStatus.FAILED, message=" ".join(error_messages(error)))
    except Exception as error:
        logger.exception("import %s could not be written", pk)
        _finish(data_import, ImportStatus.FAILED, message=str(error)[:1000])
        raise
    return data_import


def _write(data_import: DataImport) -> dict:
    user, number, sha256 = data_import.decided_by, data_import.pk, data_import.sha256
    if data_import.kind == ImportKind.POLICY:
        try:
            version, created = policy_load(data=_policy_data(data_import.file.open("rb").read()), actor=user)
        except (InputErrors, PolicyConflict) as error:
            raise Conflict({"file": [error.text() if isinstance(error, InputErrors) else str(error)]}) from None
        return {"created": int(created), "updated": 0, "held": 0, "policy": version.code}
    parsed = _stored_outcomes(data_import)
    if data_import.kind == ImportKind.HOSPITALS:
        outcomes = hospitals_classify(parsed, lock=True)
        _same(data_import, counts_of(outcomes, []))
        return hospitals_apply(outcomes, actor=user, source="import", import_number=number, sha256=sha256)
    outcomes, _left = recipients_classify(parsed, scope=data_import.county or None, lock=True)
    _same(data_import, counts_of(outcomes, []))
    return recipients_apply(outcomes, actor=user, source="import", import_number=number, sha256=sha256)


def _same(data_import: DataImport, counts: dict) -> None:
    previewed = {key: value for key, value in data_import.counts.items() if key != ERRORS}
    if previewed != {key: value for key, value in counts.items() if key != ERRORS}:
        message = _("The records changed since the preview: upload the file again to see what it would do now.")
        raise Conflict({"file": [message]})
