"""/api/v1/ routes (INTERFACES section 5)."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from aidflow.api import (
    appeals,
    imports,
    paper,
    payments,
    recoveries,
    rolls,
    settlements,
    statistics,
    subsidies,
    verifications,
    views,
)
from aidflow.api.common import StaffOnly
from aidflow.api.fallbacks import api_not_found
from aidflow.api.persons import PersonFileApi
from aidflow.api.status import StatusApi

app_name = "api"

urlpatterns = [
    path("auth/token/", login_not_required(views.TokenApi.as_view()), name="token"),
    path("auth/logout/", login_not_required(views.LogoutApi.as_view()), name="logout"),
    path("applications/", login_not_required(views.ApplicationListApi.as_view()), name="applications"),
    path("applications/<int:pk>/", login_not_required(views.ApplicationDetailApi.as_view()), name="application"),
    path(
        "applications/<int:pk>/documents/",
        login_not_required(views.DocumentUploadApi.as_view()),
        name="documents",
    ),
    path(
        "applications/<int:pk>/notices/",
        login_not_required(views.ApplicationNoticesApi.as_view()),
        name="notices",
    ),
    path("applications/<int:pk>/appeals/", login_not_required(appeals.AppealCreateApi.as_view()), name="appeals"),
    path(
        "applications/<int:pk>/appeals/<int:appeal_pk>/outcome/",
        login_not_required(appeals.AppealOutcomeApi.as_view()),
        name="appeal_outcome",
    ),
    path("applications/<int:pk>/history/", login_not_required(views.HistoryApi.as_view()), name="history"),
    path(
        "applications/<int:pk>/form.pdf",
        login_not_required(paper.ApplicationFormApi.as_view()),
        name="application_form",
    ),
    path("applications/<int:pk>/receipt.pdf", login_not_required(paper.ReceiptApi.as_view()), name="receipt"),
    path("applications/<int:pk>/dossier.pdf", login_not_required(paper.DossierApi.as_view()), name="dossier"),
    path("status/", login_not_required(StatusApi.as_view()), name="status"),
    path("persons/<str:id_number>/", login_not_required(PersonFileApi.as_view()), name="person"),
    path("tasks/", login_not_required(views.TaskListApi.as_view()), name="tasks"),
    path("tasks/<int:pk>/complete/", login_not_required(views.TaskCompleteApi.as_view()), name="task_complete"),
    path("notices/<int:pk>/pdf/", login_not_required(views.NoticePdfApi.as_view()), name="notice_pdf"),
    path("verify/<str:code>/", login_not_required(views.VerifyApi.as_view()), name="verify"),
    path("calculate/", login_not_required(views.CalculateApi.as_view()), name="calculate"),
    path("statistics/on-time/", login_not_required(views.OnTimeApi.as_view()), name="ontime"),
    path("hospitals/", login_not_required(rolls.HospitalListApi.as_view()), name="hospitals"),
    path(
        "hospitals/<str:code>/suspension/",
        login_not_required(rolls.HospitalSuspendApi.as_view()),
        name="hospital_suspend",
    ),
    path(
        "hospitals/<str:code>/suspension/lift/",
        login_not_required(rolls.HospitalLiftApi.as_view()),
        name="hospital_lift",
    ),
    path("recipients/<str:id_number>/", login_not_required(rolls.RecipientLookupApi.as_view()), name="recipient"),
    path("referrals/", login_not_required(rolls.ReferralsApi.as_view()), name="referrals"),
    path("settlements/", login_not_required(settlements.SettlementListApi.as_view()), name="settlements"),
    path("settlements/<int:pk>/", login_not_required(settlements.SettlementDetailApi.as_view()), name="settlement"),
    path(
        "settlements/<int:pk>/slip.pdf",
        login_not_required(settlements.SettlementSlipApi.as_view()),
        name="settlement_slip",
    ),
    path(
        "settlements/<int:pk>/reverse/",
        login_not_required(settlements.SettlementReverseApi.as_view()),
        name="settlement_reverse",
    ),
    path(
        "applications/<int:pk>/revoke/",
        login_not_required(recoveries.ApplicationRevokeApi.as_view()),
        name="application_revoke",
    ),
    path(
        "settlements/<int:pk>/revoke/",
        login_not_required(recoveries.SettlementRevokeApi.as_view()),
        name="settlement_revoke",
    ),
    path(
        "settlements/<int:pk>/verification/",
        login_not_required(verifications.SettlementVerificationApi.as_view()),
        name="settlement_verification",
    ),
    path("verifications/", login_not_required(verifications.VerificationListApi.as_view()), name="verifications"),
    path(
        "verifications/<int:pk>/answer/",
        login_not_required(verifications.VerificationAnswerApi.as_view()),
        name="verification_answer",
    ),
    path("recoveries/", login_not_required(recoveries.RecoveryListApi.as_view()), name="recoveries"),
    path("recoveries/<int:pk>/", login_not_required(recoveries.RecoveryDetailApi.as_view()), name="recovery"),
    path(
        "recoveries/<int:pk>/write-off/",
        login_not_required(recoveries.WriteOffDecisionApi.as_view()),
        name="recovery_write_off",
    ),
    path("settlement-claims/", login_not_required(settlements.ClaimListApi.as_view()), name="claims"),
    path("settlement-claims/<int:pk>/", login_not_required(settlements.ClaimDetailApi.as_view()), name="claim"),
    path(
        "settlement-claims/<int:pk>/review/",
        login_not_required(settlements.ClaimReviewApi.as_view()),
        name="claim_review",
    ),
    path("applications/<int:pk>/payee/", login_not_required(views.PayeeApi.as_view()), name="payee"),
    path("payment-batches/", login_not_required(payments.BatchListApi.as_view()), name="batches"),
    path("payment-batches/<int:pk>/", login_not_required(payments.BatchDetailApi.as_view()), name="batch"),
    path(
        "payment-batches/<int:pk>/approve/",
        login_not_required(payments.BatchApproveApi.as_view()),
        name="batch_approve",
    ),
    path(
        "payment-batches/<int:pk>/export.xlsx",
        login_not_required(payments.BatchExportApi.as_view()),
        name="batch_export",
    ),
    path(
        "payment-batches/<int:pk>/results/",
        login_not_required(payments.BatchResultsApi.as_view()),
        name="batch_results",
    ),
    path(
        "statistics/monthly/",
        login_not_required(statistics.MonthlyStatisticsApi.as_view()),
        name="statistics_monthly",
    ),
    path(
        "statistics/monthly.xlsx",
        login_not_required(statistics.MonthlyWorkbookApi.as_view()),
        name="statistics_workbook",
    ),
    path(
        "statistics/monthly/submit/",
        login_not_required(statistics.MonthlySubmitApi.as_view()),
        name="statistics_submit",
    ),
    path(
        "statistics/monthly/review/",
        login_not_required(statistics.MonthReviewApi.as_view()),
        name="statistics_review",
    ),
    path("premium-subsidies/rosters/", login_not_required(subsidies.RosterListApi.as_view()), name="rosters"),
    path("premium-subsidies/rosters/<int:pk>/", login_not_required(subsidies.RosterDetailApi.as_view()), name="roster"),
    path(
        "premium-subsidies/rosters/<int:pk>/confirm/",
        login_not_required(subsidies.RosterConfirmApi.as_view()),
        name="roster_confirm",
    ),
    path(
        "premium-subsidies/rosters/<int:pk>/discard/",
        login_not_required(subsidies.RosterDiscardApi.as_view()),
        name="roster_discard",
    ),
    path(
        "premium-subsidies/rosters/<int:pk>/export.xlsx",
        login_not_required(subsidies.RosterExportApi.as_view()),
        name="roster_export",
    ),
    path(
        "premium-subsidies/rosters/<int:pk>/results/",
        login_not_required(subsidies.RosterResultsApi.as_view()),
        name="roster_results",
    ),
    path("imports/", login_not_required(imports.ImportListApi.as_view()), name="imports"),
    path("imports/<int:pk>/", login_not_required(imports.ImportDetailApi.as_view()), name="import"),
    path("imports/<int:pk>/confirm/", login_not_required(imports.ImportConfirmApi.as_view()), name="import_confirm"),
    path("imports/<int:pk>/discard/", login_not_required(imports.ImportDiscardApi.as_view()), name="import_discard"),
    path("roll-conflicts/", login_not_required(imports.RollConflictListApi.as_view()), name="roll_conflicts"),
    path(
        "roll-conflicts/<int:pk>/resolve/",
        login_not_required(imports.RollConflictResolveApi.as_view()),
        name="roll_conflict_resolve",
    ),
    path(
        "statistics/annual-estimate/",
        login_not_required(statistics.AnnualEstimateApi.as_view()),
        name="statistics_estimate",
    ),
    path(
        "statistics/annual-estimate.xlsx",
        login_not_required(statistics.AnnualEstimateWorkbookApi.as_view()),
        name="statistics_estimate_workbook",
    ),
    path(
        "statistics/monthly/city/",
        login_not_required(statistics.CityMonthApi.as_view()),
        name="statistics_city",
    ),
    # The schema and its browsable docs are for signed-in staff (a map of the API is no public matter).
    path("schema/", login_not_required(SpectacularAPIView.as_view(permission_classes=[StaffOnly])), name="schema"),
    path(
        "docs/",
        login_not_required(SpectacularSwaggerSplitView.as_view(url_name="api:schema", permission_classes=[StaffOnly])),
        name="docs",
    ),
    # Anything else under /api/v1/ is a JSON 404, not the site's page.
    re_path(r"^", api_not_found, name="not_found"),
]
