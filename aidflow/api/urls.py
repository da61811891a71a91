"""/api/v1/ routes (INTERFACES section 5)."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from aidflow.api import views

app_name = "api"

urlpatterns = [
    path("auth/token/", login_not_required(views.TokenView.as_view()), name="token"),
    path("applications/", login_not_required(views.ApplicationListView.as_view()), name="applications"),
    path("applications/<int:pk>/", login_not_required(views.ApplicationDetailView.as_view()), name="application"),
    path(
        "applications/<int:pk>/documents/",
        login_not_required(views.DocumentUploadView.as_view()),
        name="documents",
    ),
    path(
        "applications/<int:pk>/notices/",
        login_not_required(views.ApplicationNoticesView.as_view()),
        name="notices",
    ),
    path("applications/<int:pk>/history/", login_not_required(views.HistoryView.as_view()), name="history"),
    path("tasks/", login_not_required(views.TaskListView.as_view()), name="tasks"),
    path("tasks/<int:pk>/complete/", login_not_required(views.TaskCompleteView.as_view()), name="task_complete"),
    path("notices/<int:pk>/pdf/", login_not_required(views.NoticePdfView.as_view()), name="notice_pdf"),
    path("verify/<str:code>/", login_not_required(views.VerifyView.as_view()), name="verify"),
    path("calculate/", login_not_required(views.CalculateView.as_view()), name="calculate"),
    path("statistics/on-time/", login_not_required(views.OnTimeView.as_view()), name="ontime"),
    path("schema/", login_not_required(SpectacularAPIView.as_view()), name="schema"),
    path("docs/", login_not_required(SpectacularSwaggerView.as_view(url_name="api:schema")), name="docs"),
]
