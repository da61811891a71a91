"""Django admin for regions and staff: the admin role's tools. Every write goes through the services."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from aidflow.regions.models import Region, StaffProfile
from aidflow.regions.services import staff_check, staff_save, staff_set_active


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
    """Create a staff member (username, name, password, role, region) or change role and region."""

    username = forms.CharField(label=_("username"), max_length=150)
    name = forms.CharField(label=_("name"), max_length=150, required=False)
    password = forms.CharField(
        label=_("password"),
        widget=forms.PasswordInput(render_value=False),
        required=False,
        help_text=_("Required for a new staff member; leave empty to keep the current password."),
    )
    region_code = forms.CharField(label=_("region code"), required=False)

    class Meta:
        model = StaffProfile
        fields = ("role",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["username"].initial = self.instance.user.username
            self.fields["username"].disabled = True
            self.fields["name"].initial = self.instance.user.first_name
            self.fields["region_code"].initial = self.instance.region_id

    def clean(self):
        cleaned = super().clean()
        self.save_arguments = {
            "username": self.instance.user.username if self.instance.pk else cleaned.get("username", ""),
            "password": cleaned.get("password") or None,
            "role": cleaned.get("role"),
            "region_code": cleaned.get("region_code") or None,
            "name": cleaned.get("name") or None,
        }
        # The same checks as `create_staff`, reported on the form's fields.
        try:
            staff_check(**self.save_arguments)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                target = {"region": "region_code"}.get(field, field)
                self.add_error(target if target in self.fields else None, messages)
        return cleaned


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    form = StaffProfileForm
    fields = ("username", "name", "password", "role", "region_code")
    list_display = ("user", "role", "region", "active")
    list_filter = ("role", "user__is_active")
    actions = ["deactivate", "reactivate"]

    @admin.display(boolean=True, description=_("active"))
    def active(self, profile) -> bool:
        return profile.user.is_active

    @admin.action(description=_("Deactivate the selected staff (signed out on their next request)"))
    def deactivate(self, request, queryset):
        count = staff_set_active(users=[profile.user for profile in queryset], active=False, actor=request.user)
        self.message_user(request, _("%(count)d staff members deactivated.") % {"count": count})

    @admin.action(description=_("Reactivate the selected staff"))
    def reactivate(self, request, queryset):
        count = staff_set_active(users=[profile.user for profile in queryset], active=True, actor=request.user)
        self.message_user(request, _("%(count)d staff members reactivated.") % {"count": count})

    search_fields = ("user__username", "user__first_name", "region__code", "region__name")
    list_select_related = ("user", "region")

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
