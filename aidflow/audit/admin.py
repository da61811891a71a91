"""Read-only admin for audit events: nothing in AidFlow edits or deletes them."""

from django.contrib import admin

from aidflow.audit.models import AuditEvent
from aidflow.readonly_admin import ReadOnlyAdmin


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("seq", "at", "actor_name", "role", "region", "action", "stage")
    list_filter = ("action",)
    search_fields = ("actor_name", "region", "action")
