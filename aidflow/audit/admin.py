"""Read-only admin for audit events: nothing in AidFlow edits or deletes them."""

from django.contrib import admin

from aidflow.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("seq", "at", "actor_name", "role", "region", "action", "stage")
    list_filter = ("action",)
    search_fields = ("actor_name", "region", "action")
    readonly_fields = [field.name for field in AuditEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
