"""A case's dossier (案卷) for the paper archive: one PDF/A file with the application form, the
home-visit form and record, every notice of the case, the payment, the documents and the audit
history, each page carrying the case number, page x/y and the case's audit chain head."""

from __future__ import annotations

from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone, translation

from aidflow.archive.pages import RASTER_DPI, assemble, data_uri, font_configuration, part, pdf_page_images
from aidflow.audit.labels import action_labels, details_summary, role_labels, stage_labels
from aidflow.audit.models import AuditAction, AuditEvent
from aidflow.audit.services import audit_read, audit_seal_reads
from aidflow.cases.choices import StageAction, Status
from aidflow.cases.models import Application
from aidflow.cases.selectors import application_get
from aidflow.core.labels.icd10 import chapter_label
from aidflow.core.payment import mask_account
from aidflow.notices.application_form import application_form_context
from aidflow.notices.paper import paper_html
from aidflow.notices.rendering import notice_html
from aidflow.notices.survey_form import survey_form_context
from aidflow.regions.stages import Stage

DOSSIER_PRINTED = AuditAction.DOSSIER_PRINTED
PAPER_CSS = "notices/paper.css"
NOTICE_CSS = "notices/notice.css"
DOSSIER_CSS = "archive/dossier.css"


@dataclass
class Section:
    """One entry of the dossier's contents: its title and its pages (weasyprint documents)."""

    title: str
    documents: list
    first: int = 0
    last: int = 0

    @property
    def page_count(self) -> int:
        return sum(len(document.pages) for document in self.documents)


def chain_head(application: Application) -> AuditEvent | None:
    """The latest event of the case in the chain (the reads waiting to be sealed are sealed first)."""
    audit_seal_reads()
    return application.audit_events.order_by("-seq").first()


def disease_chapters(application: Application) -> list[str]:
    """The ICD-10 chapters of the case's stays, in the order of the stays, each once."""
    found = []
    for stay in application.stays.all():
        label = chapter_label(stay.icd10) if stay.icd10 else None
        if label and label not in found:
            found.append(label)
    return found


def _record_html(application: Application, section: str, **context) -> str:
    return render_to_string("archive/record.html", {"application": application, "section": section, **context})


def _visits(application: Application) -> list:
    records = application.records.filter(stage=Stage.TOWNSHIP_REVIEW).exclude(action=StageAction.RESUBMITTED)
    visits = []
    for record in records.select_related("actor").order_by("at", "pk"):
        record.person = record.actor.get_full_name() or record.actor.get_username()
        visits.append(record)
    return visits


def _amount(application: Application):
    return application.amount if application.status == Status.APPROVED else None


def _payment_context(application: Application) -> dict:
    lines = list(application.payment_lines.select_related("batch").order_by("pk"))
    for line in lines:
        line.masked_account = mask_account(line.account)
    return {
        "amount": _amount(application),
        "payment_status": application.get_payment_status_display() if application.status == Status.APPROVED else "-",
        "masked_account": mask_account(application.payee_account),
        "lines": lines,
    }


def _events(application: Application) -> list:
    actions, roles, stages = action_labels(), role_labels(), stage_labels()
    events = list(application.audit_events.order_by("seq"))
    for event in events:
        event.action_label = str(actions.get(event.action, event.action))
        event.role_label = str(roles.get(event.role, event.role)) if event.role else ""
        event.stage_label = str(stages.get(event.stage, event.stage)) if event.stage else ""
        event.summary = details_summary(event.details, 600)
    return events


def _document_pages(application: Application) -> list[dict]:
    documents = list(application.documents.order_by("uploaded_at", "pk"))
    pages = []
    for index, document in enumerate(documents, start=1):
        with document.file.open("rb") as handle:
            data = handle.read()
        if document.content_type == "application/pdf":
            images = [data_uri(image, "image/jpeg") for image in pdf_page_images(data)]
        else:
            images = [data_uri(data, document.content_type)]
        for number, src in enumerate(images, start=1):
            pages.append(
                {
                    "index": index,
                    "count": len(documents),
                    "kind": document.get_kind_display(),
                    "name": document.original_name,
                    "page": number,
                    "pages": len(images),
                    "uploaded_at": document.uploaded_at,
                    "sha256": document.sha256,
                    "src": src,
                }
            )
    return pages


def _sections(application: Application, fonts) -> list[Section]:
    def record(section: str, **context):
        return part(_record_html(application, section, **context), stylesheet=DOSSIER_CSS, fonts=fonts)

    notices = list(application.notices.order_by("issued_at", "pk"))
    sections = [
        Section(
            "医疗救助申请审批表（含申请人签字栏）",
            [
                part(
                    paper_html("notices/application_form.html", application_form_context, application),
                    stylesheet=PAPER_CSS,
                    fonts=fonts,
                )
            ],
        ),
        Section(
            "医疗救助入户调查表",
            [
                part(
                    paper_html("notices/survey_form.html", survey_form_context, application),
                    stylesheet=PAPER_CSS,
                    fonts=fonts,
                )
            ],
        ),
        Section("入户调查记录", [record("visits", visits=_visits(application))]),
        Section("文书目录", [record("notices", notices=notices)]),
    ]
    for notice in notices:
        sections.append(
            Section(
                f"{notice.get_kind_display()} {notice.number}",
                [part(notice_html(notice), stylesheet=NOTICE_CSS, fonts=fonts)],
            )
        )
    sections.append(Section("资金发放", [record("payment", **_payment_context(application))]))
    document_count = application.documents.count()
    sections.append(
        Section(f"申请材料（{document_count} 份）", [record("documents", pages=_document_pages(application))])
    )
    sections.append(Section("审计记录", [record("history", events=_events(application))]))
    return sections


def _cover(application: Application, sections: list[Section], *, head, fonts, printed_by: str, offset: int):
    page = offset + 1
    for section in sections:
        section.first, section.last = page, page + section.page_count - 1
        page = section.last + 1
    context = {
        "application": application,
        "printed_at": timezone.localtime(),
        "printed_by": printed_by,
        "amount": _amount(application),
        "chapters": disease_chapters(application),
        "contents": sections,
        "chain_head": head.hash if head else "",
        "head_seq": head.seq if head else None,
        "dpi": RASTER_DPI,
    }
    return part(render_to_string("archive/cover.html", context), stylesheet=DOSSIER_CSS, fonts=fonts)


def dossier_bytes(application: Application, *, printed_by: str = "") -> bytes:
    """The dossier of one case as PDF bytes (no audit event: the caller records the read)."""
    head = chain_head(application)
    with translation.override("zh-hans"):
        fonts = font_configuration()
        sections = _sections(application, fonts)
        cover = _cover(application, sections, head=head, fonts=fonts, printed_by=printed_by, offset=1)
        if len(cover.pages) != 1:  # a long contents list: number the pages after the whole cover
            cover = _cover(
                application, sections, head=head, fonts=fonts, printed_by=printed_by, offset=len(cover.pages)
            )
        documents = [cover, *(document for section in sections for document in section.documents)]
        return assemble(
            documents,
            number=application.number,
            chain_head=head.hash if head else "",
            fonts=fonts,
            title=f"医疗救助案卷 {application.number}",
        )


def dossier_pdf(*, user, pk) -> tuple[Application, bytes]:
    """The dossier of a case the user may see (NotFound otherwise); a recorded read of the case."""
    application = application_get(user=user, pk=pk)
    data = dossier_bytes(application, printed_by=user.get_full_name() or user.get_username())
    audit_read(actor=user, action=DOSSIER_PRINTED, application=application)
    return application, data


def dossier_filename(application: Application) -> str:
    return f"{application.number}-案卷.pdf"
