"""The staff admin's sign-in tools: see who is locked out or has an authenticator, unlock an account
and reset a lost authenticator - from the staff list (actions) or a staff member's page (buttons,
each with a page that says what will happen before it does). The services audit every change."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, IntegerField, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp.plugins.otp_totp.models import TOTPDevice

from aidflow.accounts.services import account_unlock, failed_sign_ins, is_locked, two_factor_reset


def _failures_subquery():
    from axes.helpers import get_cool_off
    from axes.models import AccessAttempt

    attempts = (
        AccessAttempt.objects.filter(
            username=OuterRef("user__username"), attempt_time__gte=timezone.now() - get_cool_off()
        )
        .order_by()
        .values("username")
        .annotate(total=Sum("failures_since_start"))
        .values("total")
    )
    return Coalesce(Subquery(attempts, output_field=IntegerField()), 0)


def _person(user) -> str:
    name = user.get_full_name()
    return f"{name} ({user.get_username()})" if name else user.get_username()


class SignInToolsMixin:
    """For a ModelAdmin of a model with a `user`: lock and authenticator columns, actions and pages."""

    sign_in_tools_template = "admin/accounts/sign_in_confirm.html"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                failed_sign_ins=_failures_subquery(),
                has_authenticator=Exists(TOTPDevice.objects.filter(user=OuterRef("user"), confirmed=True)),
            )
        )

    @admin.display(description=gettext_lazy("sign-in"), ordering="failed_sign_ins")
    def locked(self, obj) -> str:
        failures = getattr(obj, "failed_sign_ins", 0) or 0
        if is_locked(failures):
            return _("Locked")
        return _("%(count)d failed") % {"count": failures} if failures else "-"

    @admin.display(description=gettext_lazy("authenticator"), ordering="has_authenticator")
    def authenticator(self, obj) -> str:
        return _("Enrolled") if getattr(obj, "has_authenticator", False) else "-"

    @admin.display(description=gettext_lazy("sign-in"))
    def sign_in_status(self, obj) -> str:
        if obj is None or not obj.pk:
            return "-"
        failures = failed_sign_ins([obj.user.get_username()]).get(obj.user.get_username(), 0)
        if is_locked(failures):
            return _("Locked after %(count)d failed sign-ins.") % {"count": failures}
        if failures:
            return _("%(count)d failed sign-ins, not locked.") % {"count": failures}
        return _("Not locked.")

    @admin.display(description=gettext_lazy("authenticator"))
    def authenticator_status(self, obj) -> str:
        if obj is None or not obj.pk:
            return "-"
        if TOTPDevice.objects.filter(user=obj.user, confirmed=True).exists():
            return _("Enrolled.")
        return _("Not enrolled: enrols at the next sign-in where the role requires it.")

    # --- actions on the list -------------------------------------------------------------------

    @admin.action(description=gettext_lazy("Unlock the selected accounts (forget their failed sign-ins)"))
    def unlock_accounts(self, request, queryset):
        count = account_unlock(users=[profile.user for profile in queryset], actor=request.user)
        self.message_user(request, _("%(count)d accounts unlocked.") % {"count": count})

    @admin.action(description=gettext_lazy("Reset the authenticator of the selected staff (they enrol again)"))
    def reset_authenticators(self, request, queryset):
        try:
            count = two_factor_reset(users=[profile.user for profile in queryset], actor=request.user)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), level=messages.ERROR)
            return
        self.message_user(
            request,
            _("%(count)d authenticators reset: they enrol a new one at their next sign-in.") % {"count": count},
        )

    # --- buttons on a staff member's page --------------------------------------------------------

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        own = [
            path(
                "<path:object_id>/unlock/",
                self.admin_site.admin_view(self.unlock_view),
                name=f"{prefix}_unlock",
            ),
            path(
                "<path:object_id>/reset-authenticator/",
                self.admin_site.admin_view(self.reset_authenticator_view),
                name=f"{prefix}_reset_authenticator",
            ),
        ]
        return own + super().get_urls()

    def _tool_page(self, request, object_id, *, title, explanation, button, run, danger=False):
        obj = self.get_object(request, object_id)
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        change_url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk])
        if request.method == "POST":
            try:
                message = run(obj)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), level=messages.ERROR)
            else:
                self.message_user(request, message)
            return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "object": obj,
            "title": title,
            "explanation": explanation % {"user": _person(obj.user)},
            "button": button,
            "danger": danger,
            "change_url": change_url,
        }
        return TemplateResponse(request, self.sign_in_tools_template, context)

    def unlock_view(self, request, object_id):
        def run(obj):
            count = account_unlock(users=[obj.user], actor=request.user)
            if not count:
                return _("%(user)s had no failed sign-ins to forget.") % {"user": _person(obj.user)}
            return _("%(user)s is unlocked and may sign in now.") % {"user": _person(obj.user)}

        return self._tool_page(
            request,
            object_id,
            title=_("Unlock an account"),
            explanation=_(
                "The failed sign-ins of %(user)s are forgotten and the account may sign in at once "
                "with its password. The unlock is recorded in the audit log."
            ),
            button=_("Unlock"),
            run=run,
        )

    def reset_authenticator_view(self, request, object_id):
        def run(obj):
            count = two_factor_reset(users=[obj.user], actor=request.user)
            if not count:
                return _("%(user)s had no authenticator.") % {"user": _person(obj.user)}
            return _("The authenticator of %(user)s is reset: they enrol a new one at their next sign-in.") % {
                "user": _person(obj.user)
            }

        return self._tool_page(
            request,
            object_id,
            title=_("Reset an authenticator"),
            explanation=_(
                "The authenticator and the recovery codes of %(user)s are deleted. At the next sign-in "
                "they scan a new QR code with their phone, and a session verified with the old one "
                "asks for the second step again. The reset is recorded in the audit log."
            ),
            button=_("Reset the authenticator"),
            run=run,
            danger=True,
        )
