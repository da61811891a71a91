"""Django admin for regions and staff: the admin role's tools. Every write goes through the services."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from aidflow.accounts.admin import SignInToolsMixin
from aidflow.regions.models import ROLE_LEVELS, Region, Role, StaffProfile
from aidflow.regions.services import staff_check, staff_save, staff_set_active

User = get_user_model()


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    """Regions come from statistics files (`import_regions`); here they are looked up and renamed."""

    list_display = ("code", "name", "level", "parent", "source")
    list_filter = ("level",)
    search_fields = ("code", "name")
    readonly_fields = ("code", "level", "parent", "source")
    fields = ("code", "name", "level", "parent", "source")
    list_select_related = ("parent",)
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        # Applications, staff and audit records refer to regions; a code is retired, never deleted.
        return False


class StaffProfileForm(forms.ModelForm):
    """Create a staff member (username, name, password, role, region or hospital) or change one."""

    username = forms.CharField(label=_("username"), max_length=150)
    name = forms.CharField(label=_("Full name"), max_length=150, required=False)
    password = forms.CharField(
        label=_("password"),
        widget=forms.PasswordInput(render_value=False),
        required=False,
        help_text=_("Required for a new staff member; leave empty to keep the current password."),
    )

    class Meta:
        model = StaffProfile
        fields = ("role", "region", "hospital")
        help_texts = {
            "region": _(
                "A village for a village clerk, a township for a township reviewer, a county for a county "
                "approver or finance officer, any level for an auditor; none for an administrator or a "
                "hospital settlement clerk. Type a name or a code to search."
            ),
            "hospital": _("Hospital settlement clerks only: the designated hospital they settle for. Type to search."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["username"].initial = self.instance.user.username
            self.fields["username"].disabled = True
            self.fields["name"].initial = self.instance.user.first_name
        if "role" in self.fields:
            # The form script shows the region or the hospital picker the chosen role needs.
            self.fields["role"].widget.attrs.update(
                {
                    "data-without-region": " ".join(role for role, levels in ROLE_LEVELS.items() if not levels),
                    "data-with-hospital": Role.HOSPITAL_CLERK,
                }
            )

    def clean(self):
        cleaned = super().clean()
        region, hospital = cleaned.get("region"), cleaned.get("hospital")
        self.save_arguments = {
            "username": self.instance.user.username if self.instance.pk else cleaned.get("username", ""),
            "password": cleaned.get("password") or None,
            "role": cleaned.get("role"),
            "region_code": region.code if region is not None else None,
            "name": cleaned.get("name") or None,
            "hospital": hospital,
        }
        if not self.instance.pk and User.objects.filter(username=self.save_arguments["username"].strip()).exists():
            # The service updates a user found by username; a new staff member must not take over one.
            self.add_error("username", _("A user with that username already exists."))
        # The same checks as `create_staff`, reported on the form's fields (each field's own first).
        try:
            staff_check(**self.save_arguments)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                if field in self.fields and field not in self.errors:
                    self.add_error(field, messages)
                elif field not in self.fields:
                    self.add_error(None, messages)
        return cleaned


@admin.register(StaffProfile)
class StaffProfileAdmin(SignInToolsMixin, admin.ModelAdmin):
    form = StaffProfileForm
    autocomplete_fields = ("region", "hospital")
    list_display = ("username", "person_name", "role", "works_at", "active", "locked", "authenticator")
    list_display_links = ("username", "person_name")
    list_filter = ("role", "user__is_active")
    actions = ["deactivate", "reactivate", "unlock_accounts", "reset_authenticators"]
    search_fields = ("user__username", "user__first_name", "region__code", "region__name", "hospital__name")
    list_select_related = ("user", "region", "hospital")

    class Media:
        js = ("aidflow/js/staff_admin.js",)

    def get_fieldsets(self, request, obj=None):
        person = (None, {"fields": ("username", "name", "password", "role", "region", "hospital")})
        if obj is None:
            return [person]
        return [person, (_("Sign-in"), {"fields": ("sign_in_status", "authenticator_status")})]

    def get_readonly_fields(self, request, obj=None):
        return ("sign_in_status", "authenticator_status") if obj is not None else ()

    @admin.display(description=_("username"), ordering="user__username")
    def username(self, profile) -> str:
        return profile.user.username

    @admin.display(description=_("Full name"), ordering="user__first_name")
    def person_name(self, profile) -> str:
        return profile.user.first_name

    @admin.display(description=_("Works at"), ordering="region__code")
    def works_at(self, profile) -> str:
        if profile.hospital_id:
            return profile.hospital.name
        return str(profile.region) if profile.region_id else "-"

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and isinstance(field.widget, RelatedFieldWidgetWrapper):
            # A region or a hospital is picked here, never edited from this form.
            for attribute in ("can_add_related", "can_change_related", "can_delete_related", "can_view_related"):
                setattr(field.widget, attribute, False)
            # Room for a whole hospital name with its code.
            field.widget.widget.attrs["data-width"] = "32em"
        return field

    @admin.display(description=_("active"), ordering="user__is_active")
    def active(self, profile) -> str:
        # In words: the admin's boolean icons are named "True" and "False" for screen readers.
        return _("Active") if profile.user.is_active else _("Deactivated")

    @admin.action(description=_("Deactivate the selected staff (signed out on their next request)"))
    def deactivate(self, request, queryset):
        try:
            count = staff_set_active(users=[profile.user for profile in queryset], active=False, actor=request.user)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), level=messages.ERROR)
            return
        self.message_user(request, _("%(count)d staff members deactivated.") % {"count": count})

    @admin.action(description=_("Reactivate the selected staff"))
    def reactivate(self, request, queryset):
        count = staff_set_active(users=[profile.user for profile in queryset], active=True, actor=request.user)
        self.message_user(request, _("%(count)d staff members reactivated.") % {"count": count})

    def has_delete_permission(self, request, obj=None):
        # Staff leave by being deactivated, so their decisions keep a name.
        return False

    def save_model(self, request, obj, form, change):
        user = staff_save(**form.save_arguments, actor=request.user)
        # The admin expects the saved object back on `obj` for its messages and redirects.
        obj.pk = user.staff.pk
        obj.user = user
        obj.role = user.staff.role
        obj.region = user.staff.region
        obj.hospital = user.staff.hospital
