"""The import screens (issue 29): upload with a template to start from, the preview of every row's
outcome with its progress while the file is read, confirm or discard; the conflicts between
counties' rolls with the actions each side may take."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseForbidden
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from aidflow.core.downloads import attachment_bytes
from aidflow.core.errors import ActionForbidden, Conflict, InputErrors, NotFound, error_messages
from aidflow.core.identity import mask_name, mask_resident_id
from aidflow.core.labels import label, region_names
from aidflow.imports.models import ImportKind
from aidflow.imports.services import import_discard, import_get, import_kinds, imports_of
from aidflow.imports.tasks import import_confirm_request, import_request
from aidflow.regions.models import Role
from aidflow.regions.scope import in_scope, role_of
from aidflow.rolls.conflicts import conflict_resolve, conflicts_of
from aidflow.rolls.importing import (
    ERRORS,
    HOSPITAL_HEADER,
    HOSPITAL_PAYMENT_COLUMNS,
    OUTCOME_NAMES,
    OUTCOMES,
    RECIPIENT_HEADER,
)

SHIPPED_POLICY = Path(__file__).resolve().parent.parent / "policy" / "data" / "dezhou-2015-69.json"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE = 100
TEMPLATES = {
    ImportKind.RECIPIENTS: (
        RECIPIENT_HEADER,
        ["371403198001010011", "张三", "dibao", "371403105201", "2026-01-01", ""],
    ),
    ImportKind.HOSPITALS: (
        [*HOSPITAL_HEADER, *HOSPITAL_PAYMENT_COLUMNS],
        ["DEMO-371403-009", "陵城区某医院", "2", "371403", "2026-01-01", "", "农业银行陵城支行", "6228480000000000000"],
    ),
}


class ImportListView(TemplateView):
    template_name = "imports/list.html"

    def dispatch(self, request, *args, **kwargs):
        if role_of(request.user) not in (Role.COUNTY_APPROVER, Role.ADMIN):
            return HttpResponseForbidden(
                _("County approvers import their county's rolls; administrators the register and policies.")
            )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["imports"] = list(imports_of(self.request.user)[:30])
        context["kinds"] = import_kinds(self.request.user)
        return context

    def post(self, request, *args, **kwargs):
        try:
            data_import = import_request(
                user=request.user, kind=request.POST.get("kind"), upload=request.FILES.get("file")
            )
        except ActionForbidden as error:
            return HttpResponseForbidden(str(error))
        except InputErrors as error:
            context = self.get_context_data()
            context["page_errors"] = error_messages(error)
            return self.render_to_response(context, status=400)
        return redirect(reverse("workbench:import", args=[data_import.pk]))


class ImportDetailView(TemplateView):
    template_name = "imports/detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        try:
            data_import = import_get(user=self.request.user, pk=kwargs["pk"])
        except NotFound:
            raise Http404(_("No such import.")) from None
        outcome = self.request.GET.get("outcome", "")
        rows = data_import.rows.all()
        if outcome in OUTCOMES:
            rows = rows.filter(outcome=outcome)
        page = Paginator(rows, PAGE).get_page(self.request.GET.get("page"))
        names = region_names({row.data.get("other", "") for row in page if row.data.get("other")})
        context.update(
            {
                "data_import": data_import,
                "totals": [(name, OUTCOME_NAMES[name], data_import.counts.get(name, 0)) for name in OUTCOMES],
                "outcome": outcome,
                "page": page,
                "lines": [_line(data_import.kind, row, names) for row in page],
                "left": [mask_resident_id(number) for number in data_import.left[:200]],
                "may_decide": data_import.status == "preview",
            }
        )
        return context

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action")
        try:
            if action == "confirm":
                import_confirm_request(user=request.user, pk=kwargs["pk"])
                messages.success(request, _("The import was confirmed; its rows are being written."))
            elif action == "discard":
                import_discard(user=request.user, pk=kwargs["pk"])
                messages.success(request, _("The import was discarded; nothing was written."))
            else:
                raise InputErrors({"action": [_("Confirm or discard.")]})
        except ActionForbidden as error:
            return HttpResponseForbidden(str(error))
        except NotFound:
            raise Http404(_("No such import.")) from None
        except (InputErrors, Conflict) as error:
            context = self.get_context_data(**kwargs)
            context["page_errors"] = error_messages(error)
            return self.render_to_response(context, status=409 if isinstance(error, Conflict) else 400)
        return redirect(reverse("workbench:import", args=[kwargs["pk"]]))


def _line(kind: str, row, names: dict) -> dict:
    """One preview row for the screen: personal data masked, the outcome named."""
    data = row.data
    line = {"row": row.row, "outcome": row.outcome, "outcome_name": OUTCOME_NAMES.get(row.outcome, row.outcome)}
    if row.outcome == ERRORS:
        line["errors"] = data["errors"]
        return line
    fields = data["fields"]
    if kind == ImportKind.RECIPIENTS:
        person, category, start = data["key"]
        line["what"] = f"{mask_resident_id(person)} {mask_name(fields['name'])} · {label('category', category)}"
        line["when"] = f"{start} – {fields['valid_to'] or ''}"
    elif kind == ImportKind.HOSPITALS:
        line["what"] = f"{data['key'][0]} {fields['name']}"
        line["when"] = f"{fields['designated_from']} – {fields['designated_to'] or ''}"
    else:
        line["what"] = f"{data['key'][0]} {fields.get('title', '')}"
        line["when"] = ""
    other = data.get("other")
    line["other"] = f"{names.get(other, other)}（{other}）" if other else ""
    line["before"] = data.get("before") or {}
    return line


class ImportTemplateView(View):
    """A file to start from: the header and one example row, as XLSX or CSV (UTF-8 with BOM, which
    a spreadsheet opens in Chinese); for a policy, the shipped policy file."""

    def get(self, request, kind: str, fmt: str):
        if role_of(request.user) not in (Role.COUNTY_APPROVER, Role.ADMIN):
            return HttpResponseForbidden()
        if kind == ImportKind.POLICY and fmt == "json":
            return attachment_bytes(
                SHIPPED_POLICY.read_bytes(), filename="policy-template.json", content_type="application/json"
            )
        if kind not in TEMPLATES or fmt not in ("xlsx", "csv"):
            raise Http404(_("No such template."))
        header, example = TEMPLATES[kind]
        if fmt == "csv":
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            writer.writerows([header, example])
            return attachment_bytes(
                ("\ufeff" + buffer.getvalue()).encode("utf-8"), filename=f"{kind}-template.csv", content_type="text/csv"
            )
        from openpyxl import Workbook

        workbook = Workbook()
        sheet = workbook.active
        sheet.append(header)
        sheet.append(example)
        for cell in sheet[2]:
            cell.data_type = "s"  # ID numbers and codes stay text
        out = io.BytesIO()
        workbook.save(out)
        return attachment_bytes(out.getvalue(), filename=f"{kind}-template.xlsx", content_type=XLSX)


class ConflictListView(TemplateView):
    template_name = "imports/conflicts.html"

    def dispatch(self, request, *args, **kwargs):
        if role_of(request.user) not in (Role.COUNTY_APPROVER, Role.AUDITOR):
            return HttpResponseForbidden(_("County approvers resolve conflicts between rolls."))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        conflicts = list(conflicts_of(self.request.user)[:200])
        names = region_names({code for conflict in conflicts for code in (conflict.county, conflict.other_county)})
        lines = []
        for conflict in conflicts:
            lines.append(
                {
                    "conflict": conflict,
                    "person": f"{mask_resident_id(conflict.id_number)} {mask_name(conflict.name)}",
                    "category": label("category", conflict.category),
                    "county": names.get(conflict.county, conflict.county),
                    "other_county": names.get(conflict.other_county, conflict.other_county),
                    "ours_held": in_scope(self.request.user, conflict.county, ["regions.approve_county"]),
                    "ours_holding": in_scope(self.request.user, conflict.other_county, ["regions.approve_county"]),
                }
            )
        context["lines"] = lines
        return context

    def post(self, request, *args, **kwargs):
        data = {"action": request.POST.get("action"), "note": request.POST.get("note", "")}
        try:
            conflict_resolve(user=request.user, pk=int(request.POST.get("conflict") or 0), data=data)
        except ActionForbidden as error:
            return HttpResponseForbidden(str(error))
        except (InputErrors, Conflict, NotFound) as error:
            context = self.get_context_data()
            context["page_errors"] = error_messages(error)
            return self.render_to_response(context, status=400 if isinstance(error, InputErrors) else 409)
        messages.success(request, _("The conflict was resolved."))
        return redirect(reverse("workbench:roll_conflicts"))
