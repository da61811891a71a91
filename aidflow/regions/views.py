"""The workbench home page: what this user does, and where."""

from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from aidflow.calendars.services import missing_years
from aidflow.cases.selectors import inbox, overdue_filter
from aidflow.regions.models import Role
from aidflow.regions.scope import visible_regions
from aidflow.reports.desks import desk_sections

ROLE_DUTIES = {
    Role.VILLAGE_CLERK: [
        _("File medical-aid applications for villagers, with their household, hospital stays and documents."),
        _("Check the materials are genuine within 3 days of receiving them, then forward them to the township."),
        _("Collect missing materials when a higher level returns an application, and resubmit it."),
    ],
    Role.TOWNSHIP_REVIEWER: [
        _("Visit the applicant's home within 7 days and record the household's economy and insurance."),
        _("Forward eligible applications to the county, or refuse them with written reasons."),
        _("Deliver decision notices to applicants and record the delivery."),
    ],
    Role.COUNTY_APPROVER: [
        _("Re-check applications within 10 days and approve or refuse them."),
        _("Approve the computed amount, or less with a written reason; never more."),
    ],
    Role.AUDITOR: [
        _("Trace every decision in your region: who did what, when, and on what facts."),
        _("You can read everything in your region and change nothing."),
    ],
    Role.HOSPITAL_CLERK: [
        _("Look up on the rolls whether a patient is a key recipient on the discharge date."),
        _("Settle key recipients' medical aid at the hospital window at discharge; the patient pays only the rest."),
        _("Claim the advanced aid from the paying county each month."),
    ],
    Role.COUNTY_FINANCE: [
        _("Pay the aid your county approved: applicants' accounts and hospitals' approved claims."),
        _("Make payment batches, export the bank file, and record what the bank paid or returned."),
        _("You cannot approve; an approver cannot pay."),
    ],
    Role.CITY_REVIEWER: [
        _("Check each county's signed-off month, its figures' relations first; accept it, or return it with reasons."),
        _("The city's month is the sum of the counties you accepted."),
    ],
    Role.ADMIN: [
        _("Manage regions and staff accounts in the administration site."),
        _("You do not handle applications."),
    ],
}


class HomeView(TemplateView):
    """A home page per role."""

    template_name = "aidflow/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        profile = getattr(user, "staff", None)
        context["profile"] = profile
        if user.is_staff or (profile is not None and profile.role == Role.ADMIN):
            context["missing_holiday_years"] = missing_years()
        if profile is not None:
            context["duties"] = ROLE_DUTIES.get(profile.role, [])
            context["region"] = profile.region
            if profile.region is not None:
                context["subregion_count"] = visible_regions(user).exclude(code=profile.region_id).count()
            waiting = inbox(user)
            context["waiting_count"] = waiting.count()
            context["overdue_count"] = overdue_filter(waiting).count()
            context["desk"] = desk_sections(user)
        return context
