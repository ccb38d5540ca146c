from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from authentication.admin import end_sessions
from authentication.models import Session

from .models import User


@admin.register(User)
class ProjectUserAdmin(UserAdmin):
    actions = ["end_every_session"]

    @admin.action(description="End every session of the selected users", permissions=["change"])
    def end_every_session(self, request, queryset) -> None:
        end_sessions(self, request, Session.objects.filter(user__in=queryset))
