from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import User


@admin.register(User)
class AccountAdmin(UserAdmin):
    list_display = (*UserAdmin.list_display, "email_verified_at")
    list_filter = (*UserAdmin.list_filter, ("email_verified_at", admin.EmptyFieldListFilter))
    # An operator can mark an address verified by hand (say, after checking it by phone).
    fieldsets = (*UserAdmin.fieldsets, ("Email verification", {"fields": ("email_verified_at",)}))
