"""AidFlow URLs: the viewflow Material site, accounts, the admin and (later) the API."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import path
from django.views.i18n import JavaScriptCatalog, set_language
from viewflow.contrib.auth import AuthViewset
from viewflow.urls import Application, Site

from aidflow.regions.views import HomeView


class WorkbenchApp(Application):
    """The landing application: each user's home page."""

    title = settings.AIDFLOW_SITE_TITLE
    icon = "home"
    app_name = "workbench"
    menu_template_name = "aidflow/workbench_menu.html"

    index_path = path("", HomeView.as_view(), name="index")


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
    path("accounts/", StaffAuthViewset(with_profile_view=False).urls),
    path("admin/", admin.site.urls),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("jsi18n/", login_not_required(JavaScriptCatalog.as_view()), name="javascript-catalog"),
    path("", site.urls),
]
