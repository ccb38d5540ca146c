"""Passkeys in the admin: whose, what kind, when last used; and removal for a lost device.

Nothing here can sign in (only public keys are stored). Removing one is an action, kept in the
audit trail with the staff member who did it.
"""

from django.contrib import admin, messages

from authentication.security_log import security_event

from .models import Passkey


@admin.register(Passkey)
class PasskeyAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "created_at", "last_used_at", "backed_up")
    list_filter = ("backed_up", ("last_used_at", admin.EmptyFieldListFilter))
    list_select_related = ("user",)
    search_fields = ("user__username", "user__email", "name")
    search_help_text = "Username, email address or the passkey's name."
    fields = ("user", "name", "created_at", "last_used_at", "sign_count", "backup_eligible", "backed_up", "transports")
    readonly_fields = fields
    actions = ["remove"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # through the action only, which is audited

    @admin.action(description="Remove the selected passkeys (they sign in no more)", permissions=["change"])
    def remove(self, request, queryset) -> None:
        removed = list(queryset.values_list("pk", "user_id"))
        queryset.delete()
        for passkey_id, user_id in removed:
            security_event("passkey_removed", request, user_id=user_id, passkey=passkey_id, by_user_id=request.user.pk)
        self.message_user(request, f"Removed {len(removed)} passkey(s).", messages.SUCCESS)
