"""Django admin for regions and staff: the admin role's tools."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from aidflow.regions.models import Region, StaffProfile
from aidflow.regions.services import staff_check, staff_save


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent", "source")
    list_filter = ("level",)
    search_fields = ("code", "name")
    readonly_fields = ("parent",)
    list_select_related = ("parent",)
    show_full_result_count = False

    def has_delete_permission(self, request, obj=None):
        # Applications, staff and audit records refer to regions; a code is retired, never deleted.
        return False


class StaffProfileForm(forms.ModelForm):
    region_code = forms.CharField(label=_("region code"), required=False)

    class Meta:
        model = StaffProfile
        fields = ("role",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.region_id:
            self.fields["region_code"].initial = self.instance.region_id

    def clean(self):
        cleaned = super().clean()
        self.save_arguments = {
            "username": self.instance.user.username,
            "password": None,
            "role": cleaned.get("role"),
            "region_code": cleaned.get("region_code") or None,
        }
        # The same checks as `create_staff`, reported on the form's fields.
        try:
            staff_check(**self.save_arguments)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                self.add_error(
                    "region_code" if field == "region" else field if field in self.fields else None, messages
                )
        return cleaned


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    form = StaffProfileForm
    list_display = ("user", "role", "region")
    list_filter = ("role",)
    search_fields = ("user__username", "user__first_name", "region__code", "region__name")
    list_select_related = ("user", "region")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        staff_save(**form.save_arguments, actor=request.user)
