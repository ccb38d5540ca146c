"""Sessions in the admin: who is signed in where, and a way to end it.

Everything here is read-only; the only changes are the revocation actions, which go through
``token_service.revoke_sessions`` exactly like a logout, so the session's access tokens are
rejected at once too (ASVS 5.0 7.4.1). Rows are never deleted here: a revoked session is the
record of what happened to it.
"""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.utils import timezone

from .models import IssuedRefreshToken, Session
from .security_log import security_event
from .token_service import revoke_sessions


class IssuedRefreshTokenInline(admin.TabularInline):
    model = IssuedRefreshToken
    fk_name = "session"
    fields = ("jti", "issued_at", "expires_at", "rotated_at", "successor")
    readonly_fields = fields
    ordering = ("issued_at",)
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class SessionStateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("live", "Live"), ("revoked", "Revoked"), ("expired", "Past its absolute lifetime")]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "live":
            return queryset.filter(revoked_at__isnull=True, absolute_expires_at__gt=now)
        if self.value() == "revoked":
            return queryset.filter(revoked_at__isnull=False)
        if self.value() == "expired":
            return queryset.filter(revoked_at__isnull=True, absolute_expires_at__lte=now)
        return queryset


def end_sessions(modeladmin, request, sessions) -> None:
    """The admin's revocation: logged with the staff member who asked for it."""
    count = revoke_sessions(sessions, "admin_revoked")
    security_event("sessions_revoked", request, reason="admin_revoked", count=count, by_user_id=request.user.pk)
    modeladmin.message_user(request, f"Ended {count} live session(s).", messages.SUCCESS)


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ("id", "user", "created_at", "absolute_expires_at", "state", "revoke_reason")
    list_filter = (SessionStateFilter, "revoke_reason")
    list_select_related = ("user",)
    search_fields = ("user__username", "user__email", "=id")
    search_help_text = "Username, email address or session id."
    ordering = ("-created_at",)
    date_hierarchy = "created_at"
    fields = ("id", "user", "created_at", "absolute_expires_at", "revoked_at", "revoke_reason")
    readonly_fields = fields
    inlines = [IssuedRefreshTokenInline]
    actions = ["end_selected_sessions", "end_every_session_of_their_users"]

    @admin.display(description="state")
    def state(self, session: Session) -> str:
        if session.is_revoked:
            return "revoked"
        return "live" if session.absolute_expires_at > timezone.now() else "expired"

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description="End the selected sessions", permissions=["change"])
    def end_selected_sessions(self, request, queryset) -> None:
        end_sessions(self, request, queryset)

    @admin.action(description="End every session of the selected sessions' users", permissions=["change"])
    def end_every_session_of_their_users(self, request, queryset) -> None:
        users = queryset.values("user_id")
        end_sessions(self, request, Session.objects.filter(user_id__in=users))


# The user admin (registered by accounts, before this app) gains an action that ends every
# session of the selected users.
_UserAdmin = type(admin.site.get_model_admin(get_user_model()))


class UserAdmin(_UserAdmin):
    actions = [*(_UserAdmin.actions or []), "end_every_session"]

    @admin.action(description="End every session of the selected users", permissions=["change"])
    def end_every_session(self, request, queryset) -> None:
        end_sessions(self, request, Session.objects.filter(user__in=queryset))


admin.site.unregister(get_user_model())
admin.site.register(get_user_model(), UserAdmin)
