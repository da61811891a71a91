"""Read-only admin for policy versions: versions are loaded from files and never edited."""

from django.contrib import admin

from aidflow.policy.models import PolicyRule, PolicyVersion
from aidflow.readonly_admin import ReadOnlyAdmin


class PolicyRuleInline(admin.TabularInline):
    model = PolicyRule
    extra = 0
    can_delete = False
    fields = ("category_group", "aid_type", "rate", "deductible", "annual_cap")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(PolicyVersion)
class PolicyVersionAdmin(ReadOnlyAdmin):
    list_display = ("code", "region_code", "effective_from", "effective_to", "loaded_at")
    search_fields = ("code", "title", "region_code")
    inlines = [PolicyRuleInline]
