"""The audit trail in the admin: read-only, filterable by event, date and account."""

from django.contrib import admin

from authentication.devices import device_label

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("at", "event", "user", "client_address", "device", "session_id")
    list_filter = ("event", "at")
    list_select_related = ("user",)
    search_fields = ("user__username", "user__email", "=client_address", "=session_id")
    search_help_text = "Username, email address, client address or session id."
    date_hierarchy = "at"
    fields = ("id", "at", "event", "user", "client_address", "user_agent", "session_id", "details")
    readonly_fields = fields

    @admin.display(description="device")
    def device(self, event: AuditEvent) -> str:
        return device_label(event.user_agent)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # records leave only through the retention (manage.py prune_audit_trail)
