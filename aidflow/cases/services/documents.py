"""Uploaded materials: checked by content (PDF, JPEG, PNG), stored with their SHA-256, audited."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from aidflow.audit.models import AuditAction
from aidflow.audit.services import audit_record, audit_record_many
from aidflow.cases.choices import DocumentKind, Status
from aidflow.cases.models import Application, Document
from aidflow.cases.selectors import application_get
from aidflow.cases.services.uploads import UploadRefused, upload_inspect
from aidflow.core.errors import ActionForbidden, InputErrors, NotFound, TaskNotOpen
from aidflow.core.fields import FieldReader
from aidflow.regions.models import Role
from aidflow.regions.scope import in_scope, role_of
from aidflow.regions.stages import Stage, stage_rule

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
# Materials per application: enough for any real file, not a storage for anything.
MAX_DOCUMENTS = 40
# Where the clerk may still add materials: while the village handles the case.
VILLAGE_STAGES = (Stage.VILLAGE_CHECK, Stage.SUPPLEMENT)


def sniff_content_type(head: bytes) -> str | None:
    """The file's type from its first bytes: PDF, JPEG or PNG, whatever its name or declared type."""
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    return None


@dataclass
class UploadedDocument:
    kind: str
    file: object  # a Django UploadedFile


def documents_check(
    documents: list[UploadedDocument], reader: FieldReader, prefix: str = "documents", *, existing: int = 0
) -> None:
    """Report every bad upload on the reader, by its place in the list; `existing` documents are
    already on the application."""
    if existing + len(documents) > MAX_DOCUMENTS:
        reader.error(prefix, _("An application holds at most %(count)d documents.") % {"count": MAX_DOCUMENTS})
        return
    for index, document in enumerate(documents):
        path = f"{prefix}[{index}]"
        if document.kind not in DocumentKind.values:
            reader.error(f"{path}.kind", _("Unknown document kind %(kind)r.") % {"kind": document.kind})
        upload = document.file
        if upload is None:
            reader.error(f"{path}.file", _("No file was uploaded."))
            continue
        if upload.size > MAX_DOCUMENT_BYTES:
            reader.error(f"{path}.file", _("The file is larger than 20 MB."))
            continue
        if upload.size == 0:
            reader.error(f"{path}.file", _("The file is empty."))
            continue
        upload.seek(0)
        head = upload.read(16)
        upload.seek(0)
        content_type = sniff_content_type(head)
        if content_type is None:
            reader.error(f"{path}.file", _("Only PDF, JPEG and PNG files are accepted; this file is none of them."))
            continue
        try:
            document.file = upload_inspect(upload, content_type)
        except UploadRefused as error:
            reader.error(f"{path}.file", str(error))


def document_store(
    *, application: Application, document: UploadedDocument, user, stage: str, save: bool = True
) -> Document:
    """Store a checked upload; the caller's transaction writes its audit event (documents_audit).
    With save=False the file is stored and the row left for the caller to insert."""
    upload = document.file
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    stored = Document(
        application=application,
        kind=document.kind,
        original_name=(getattr(upload, "name", "") or "")[:200],
        content_type=sniff_content_type(head),
        size=upload.size,
        sha256=digest.hexdigest(),
        uploaded_by=user,
        stage=stage,
    )
    stored.file.save("upload", upload, save=False)
    if save:
        stored.save()
    return stored


def documents_store(*, application: Application, documents: list[UploadedDocument], user, stage: str) -> list[Document]:
    """Store several checked uploads, their rows in one INSERT."""
    return Document.objects.bulk_create(
        [
            document_store(application=application, document=item, user=user, stage=stage, save=False)
            for item in documents
        ]
    )


def document_audit_entries(documents: list[Document]) -> list[tuple[str, dict]]:
    """The audit entries (action, details) of stored documents, for `audit_record_many`."""
    return [
        (
            AuditAction.DOCUMENT_UPLOADED,
            {"document": document.pk, "kind": document.kind, "sha256": document.sha256, "size": document.size},
        )
        for document in documents
    ]


def documents_audit(user, application: Application, documents: list[Document], stage: str) -> None:
    """One audit event per stored document, appended to the chain in one go."""
    audit_record_many(actor=user, application=application, stage=stage, entries=document_audit_entries(documents))


def document_add(*, user, application: Application, kind: str, file) -> Document:
    """Add a document to an open application; only the clerk of its village, before a decision."""
    if role_of(user) != Role.VILLAGE_CLERK:
        raise ActionForbidden(_("Only the village clerk adds documents."))
    if not in_scope(user, application.village_id, [stage_rule(Stage.VILLAGE_CHECK).permission]):
        raise NotFound(_("No such application."))
    reader = FieldReader()
    document = UploadedDocument(kind, file)
    documents_check([document], reader)
    if reader.errors:
        raise InputErrors({key.replace("documents[0].", ""): value for key, value in reader.errors.items()})
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.status != Status.IN_PROGRESS or locked.stage not in VILLAGE_STAGES:
            raise TaskNotOpen(_("Documents can be added while the village handles the application."))
        if locked.documents.count() >= MAX_DOCUMENTS:
            raise InputErrors(
                {"file": [_("An application holds at most %(count)d documents.") % {"count": MAX_DOCUMENTS}]}
            )
        stored = document_store(application=locked, document=document, user=user, stage=locked.stage)
        documents_audit(user, locked, [stored], locked.stage)
        return stored


def document_open(*, user, application_id, document_id) -> tuple[Application, Document]:
    """A document for download by anyone who may see the case; who downloaded it is recorded."""
    application = application_get(user=user, pk=application_id)
    document = application.documents.filter(pk=document_id).first()
    if document is None:
        raise NotFound(_("No such document."))
    audit_record(
        actor=user,
        action=AuditAction.DOCUMENT_DOWNLOADED,
        application=application,
        details={"document": document.pk, "kind": document.kind, "sha256": document.sha256},
    )
    return application, document
