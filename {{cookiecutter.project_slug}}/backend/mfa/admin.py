"""Authenticator apps in the admin: who has one, since when; and a reset for a user who lost it.

Nothing about a secret is shown. A reset deletes the authenticator and the recovery codes, so the
user signs in with the password alone (or sets one up again, if MFA is required), and is kept in
the audit trail with the staff member who did it.
"""

from django.contrib import admin, messages
from django.db import transaction

from authentication.security_log import security_event

from .models import RecoveryCode, TotpDevice


@admin.register(TotpDevice)
class TotpDeviceAdmin(admin.ModelAdmin):
    list_display = ("user", "created_at", "confirmed_at", "recovery_codes_left")
    list_filter = (("confirmed_at", admin.EmptyFieldListFilter),)
    list_select_related = ("user",)
    search_fields = ("user__username", "user__email")
    search_help_text = "Username or email address."
    fields = ("user", "created_at", "confirmed_at")
    readonly_fields = fields
    actions = ["reset"]

    @admin.display(description="recovery codes left")
    def recovery_codes_left(self, device: TotpDevice) -> int:
        return RecoveryCode.objects.filter(user_id=device.user_id, used_at__isnull=True).count()

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # through the reset only, which is audited

    @admin.action(
        description="Reset MFA of the selected users (they sign in with the password again)", permissions=["change"]
    )
    def reset(self, request, queryset) -> None:
        user_ids = list(queryset.values_list("user_id", flat=True))
        with transaction.atomic():
            TotpDevice.objects.filter(user_id__in=user_ids).delete()
            RecoveryCode.objects.filter(user_id__in=user_ids).delete()
        for user_id in user_ids:
            security_event("mfa_reset", request, user_id=user_id, by_user_id=request.user.pk)
        self.message_user(request, f"Reset MFA of {len(user_ids)} user(s).", messages.SUCCESS)
