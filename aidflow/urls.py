"""AidFlow URLs: the viewflow Material site, accounts, the admin and (later) the API."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog, set_language
from viewflow.contrib.auth import AuthViewset
from viewflow.urls import Application, Site

from aidflow.accounts.views import TwoFactorView
from aidflow.appeals.views import AppealOutcomeView, AppealView
from aidflow.archive.views import ArchiveDownloadView, ArchiveMonthExportView, ArchiveMonthView, DossierPdfView
from aidflow.audit.views import ApplicationHistoryView, AuditExportView, AuditSearchView
from aidflow.cases.views import (
    ApplicationListView,
    DocumentDownloadView,
    FilingPreviewView,
    FilingView,
    HospitalSearchView,
    InboxView,
    ListExportView,
    NotificationsView,
)
from aidflow.imports.views import ConflictListView, ImportDetailView, ImportListView, ImportTemplateView
from aidflow.notices.views import (
    ApplicationFormPdfView,
    NoticePdfView,
    ReceiptPdfView,
    SurveyFormPdfView,
    VerifyView,
)
from aidflow.notify.views import StatusView
from aidflow.payments.views import (
    BatchApproveView,
    BatchDetailView,
    BatchExportView,
    BatchListView,
    PayableExportView,
    PayableView,
    PaymentReportExportView,
    PaymentReportView,
    ResultsTemplateView,
)
from aidflow.recoveries.views import (
    ApplicationRevokeView,
    RecoveryDetailView,
    RecoveryListView,
    SettlementRevokeView,
)
from aidflow.regions.views import HomeView
from aidflow.reports.city_views import CityMonthView
from aidflow.reports.public import DisclosureView
from aidflow.reports.views import EstimateView, OnTimeView, PersonFileView, StatisticsExportView, StatisticsView
from aidflow.rolls.views import HospitalsView, RecipientLookupView, ReferralsView
from aidflow.settlements.export_views import ClaimListExportView, SettlementListExportView
from aidflow.settlements.hospital_views import HospitalDetailView
from aidflow.settlements.reduction_views import ReductionLedgerExportView, ReductionLedgerView
from aidflow.settlements.views import (
    ClaimDetailView,
    ClaimListView,
    SettlementDetailView,
    SettlementListView,
    SettlementReverseView,
    SettlementSlipView,
    SettlementWindowView,
)
from aidflow.subsidies.views import RosterDetailView, RosterExportView, RosterListView
from aidflow.verifications.views import SettlementVerificationView, VerificationDetailView, VerificationListView
from workflows.views import ApplicationDetailView, PayeeView, TaskView, WithdrawView


class WorkbenchApp(Application):
    """The landing application: each user's home page."""

    title = settings.AIDFLOW_SITE_TITLE
    icon = "home"
    app_name = "workbench"
    menu_template_name = "aidflow/workbench_menu.html"

    index_path = path("", HomeView.as_view(), name="index")
    inbox_path = path("inbox/", InboxView.as_view(), name="inbox")
    inbox_export_path = path("inbox/export.xlsx", ListExportView.as_view(list_name="inbox"), name="inbox_export")
    applications_path = path("applications/", ApplicationListView.as_view(), name="applications")
    applications_export_path = path(
        "applications/export.xlsx", ListExportView.as_view(list_name="applications"), name="applications_export"
    )
    filing_path = path("applications/new/", FilingView.as_view(), name="filing")
    filing_preview_path = path("applications/new/preview/", FilingPreviewView.as_view(), name="filing_preview")
    filing_hospitals_path = path("applications/new/hospitals/", HospitalSearchView.as_view(), name="filing_hospitals")
    application_path = path("applications/<int:pk>/", ApplicationDetailView.as_view(), name="application")
    task_path = path("applications/<int:pk>/tasks/<int:task_pk>/", TaskView.as_view(), name="task")
    payee_path = path("applications/<int:pk>/payee/", PayeeView.as_view(), name="payee")
    withdraw_path = path("applications/<int:pk>/withdraw/", WithdrawView.as_view(), name="withdraw")
    appeal_path = path("applications/<int:pk>/appeals/", AppealView.as_view(), name="appeal")
    appeal_outcome_path = path(
        "applications/<int:pk>/appeals/<int:appeal_pk>/outcome/", AppealOutcomeView.as_view(), name="appeal_outcome"
    )
    statistics_path = path("reports/monthly/", StatisticsView.as_view(), name="statistics")
    statistics_export_path = path("reports/monthly/export/", StatisticsExportView.as_view(), name="statistics_export")
    ontime_path = path("reports/on-time/", OnTimeView.as_view(), name="ontime")
    estimate_path = path("reports/estimate/", EstimateView.as_view(), name="estimate")
    imports_path = path("imports/", ImportListView.as_view(), name="imports")
    import_path = path("imports/<int:pk>/", ImportDetailView.as_view(), name="import")
    import_template_path = path(
        "imports/template/<str:kind>.<str:fmt>", ImportTemplateView.as_view(), name="import_template"
    )
    roll_conflicts_path = path("rolls/conflicts/", ConflictListView.as_view(), name="roll_conflicts")
    premium_rosters_path = path("premium-subsidies/", RosterListView.as_view(), name="premium_rosters")
    premium_roster_path = path("premium-subsidies/<int:pk>/", RosterDetailView.as_view(), name="premium_roster")
    premium_roster_export_path = path(
        "premium-subsidies/<int:pk>/export.xlsx", RosterExportView.as_view(), name="premium_roster_export"
    )
    notice_pdf_path = path("notices/<int:pk>/pdf/", NoticePdfView.as_view(), name="notice_pdf")
    application_form_path = path(
        "applications/<int:pk>/form.pdf", ApplicationFormPdfView.as_view(), name="application_form"
    )
    survey_form_path = path("applications/<int:pk>/survey.pdf", SurveyFormPdfView.as_view(), name="survey_form")
    receipt_path = path("applications/<int:pk>/receipt.pdf", ReceiptPdfView.as_view(), name="receipt")
    dossier_path = path("applications/<int:pk>/dossier.pdf", DossierPdfView.as_view(), name="dossier")
    archive_month_path = path("archive/", ArchiveMonthView.as_view(), name="archive_month")
    archive_download_path = path(
        "archive/<int:pk>/download.zip", ArchiveDownloadView.as_view(), name="archive_download"
    )
    archive_month_export_path = path(
        "archive/export.zip", ArchiveMonthExportView.as_view(), name="archive_month_export"
    )
    blank_survey_form_path = path("forms/survey.pdf", SurveyFormPdfView.as_view(), name="blank_survey_form")
    notifications_path = path("notifications/", NotificationsView.as_view(), name="notifications")
    audit_path = path("audit/", AuditSearchView.as_view(), name="audit")
    audit_export_path = path("audit/export.csv", AuditExportView.as_view(), name="audit_export")
    application_history_path = path(
        "applications/<int:pk>/history/", ApplicationHistoryView.as_view(), name="application_history"
    )
    person_path = path("persons/<str:id_number>/", PersonFileView.as_view(), name="person")
    # The roll look-up's button sends the ID number typed there (?id_number=), never written into the page again.
    persons_path = path("persons/", PersonFileView.as_view(), name="persons")
    recipients_path = path("recipients/", RecipientLookupView.as_view(), name="recipients")
    referrals_path = path("referrals/", ReferralsView.as_view(), name="referrals")
    hospitals_path = path("hospitals/", HospitalsView.as_view(), name="hospitals")
    city_months_path = path("reports/city/", CityMonthView.as_view(), name="city_months")
    hospital_path = path("hospitals/<str:code>/", HospitalDetailView.as_view(), name="hospital")
    settlement_window_path = path("settlements/window/", SettlementWindowView.as_view(), name="settlement_window")
    settlements_path = path("settlements/", SettlementListView.as_view(), name="settlements")
    settlements_export_path = path(
        "settlements/export.xlsx", SettlementListExportView.as_view(), name="settlements_export"
    )
    settlement_path = path("settlements/<int:pk>/", SettlementDetailView.as_view(), name="settlement")
    settlement_slip_path = path("settlements/<int:pk>/slip.pdf", SettlementSlipView.as_view(), name="settlement_slip")
    settlement_reverse_path = path(
        "settlements/<int:pk>/reverse/", SettlementReverseView.as_view(), name="settlement_reverse"
    )
    application_revoke_path = path(
        "applications/<int:pk>/revoke/", ApplicationRevokeView.as_view(), name="application_revoke"
    )
    settlement_revoke_path = path(
        "settlements/<int:pk>/revoke/", SettlementRevokeView.as_view(), name="settlement_revoke"
    )
    settlement_verification_path = path(
        "settlements/<int:pk>/verification/", SettlementVerificationView.as_view(), name="settlement_verification"
    )
    verifications_path = path("verifications/", VerificationListView.as_view(), name="verifications")
    verification_path = path("verifications/<int:pk>/", VerificationDetailView.as_view(), name="verification")
    recoveries_path = path("recoveries/", RecoveryListView.as_view(), name="recoveries")
    recovery_path = path("recoveries/<int:pk>/", RecoveryDetailView.as_view(), name="recovery")
    claims_path = path("claims/", ClaimListView.as_view(), name="claims")
    reductions_path = path("settlements/reductions/", ReductionLedgerView.as_view(), name="reductions")
    reductions_export_path = path(
        "settlements/reductions/export.xlsx", ReductionLedgerExportView.as_view(), name="reductions_export"
    )
    claims_export_path = path("claims/export.xlsx", ClaimListExportView.as_view(), name="claims_export")
    claim_path = path("claims/<int:pk>/", ClaimDetailView.as_view(), name="claim")
    payable_path = path("payments/", PayableView.as_view(), name="payable")
    payable_export_path = path("payments/export.xlsx", PayableExportView.as_view(), name="payable_export")
    batches_path = path("payments/batches/", BatchListView.as_view(), name="batches")
    batch_path = path("payments/batches/<int:pk>/", BatchDetailView.as_view(), name="batch")
    batch_approve_path = path("payments/batches/<int:pk>/approve/", BatchApproveView.as_view(), name="batch_approve")
    batch_export_path = path("payments/batches/<int:pk>/export.xlsx", BatchExportView.as_view(), name="batch_export")
    results_template_xlsx_path = path(
        "payments/batches/<int:pk>/results-template.xlsx",
        ResultsTemplateView.as_view(),
        {"fmt": "xlsx"},
        name="results_template_xlsx",
    )
    results_template_csv_path = path(
        "payments/batches/<int:pk>/results-template.csv",
        ResultsTemplateView.as_view(),
        {"fmt": "csv"},
        name="results_template_csv",
    )
    payment_report_path = path("payments/report/", PaymentReportView.as_view(), name="payment_report")
    payment_report_export_path = path(
        "payments/report/export.xlsx", PaymentReportExportView.as_view(), name="payment_report_export"
    )
    document_path = path(
        "applications/<int:pk>/documents/<int:document_pk>/", DocumentDownloadView.as_view(), name="document"
    )


class StaffAuthViewset(AuthViewset):
    """Login, logout and password change; no self-service reset by e-mail (administrators reset)."""

    pass_reset_path = None
    pass_reset_done_path = None
    pass_reset_confirm_path = None
    pass_reset_complete_path = None


site = Site(
    title=settings.AIDFLOW_SITE_TITLE,
    # One application holds every screen, so the site-level list of applications is not shown.
    menu_template_name=None,
    viewsets=[WorkbenchApp()],
)

admin.site.site_header = settings.AIDFLOW_SITE_TITLE
admin.site.site_title = settings.AIDFLOW_SITE_TITLE

urlpatterns = [
    path("accounts/two-factor/", TwoFactorView.as_view(), name="two_factor"),
    path("accounts/", StaffAuthViewset(with_profile_view=False).urls),
    path("admin/", admin.site.urls),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("jsi18n/", login_not_required(JavaScriptCatalog.as_view()), name="javascript-catalog"),
    path("verify/<str:code>", VerifyView.as_view(), name="verify"),
    path("status/", StatusView.as_view(), name="status"),
    path("public/disclosure/<str:county>/<str:month>/", DisclosureView.as_view(), name="disclosure"),
    # The API authenticates with tokens or sessions itself and answers 401/403 as JSON, not redirects.
    path("api/v1/", include("aidflow.api.urls")),
    path("", site.urls),
]

handler500 = "aidflow.api.fallbacks.server_error"
