from django.urls import path

from . import views

urlpatterns = [
    path("", views.StatusView.as_view(), name="mfa"),
    path("verify/", views.VerifyView.as_view(), name="mfa-verify"),
    path("enroll/", views.EnrollView.as_view(), name="mfa-enroll"),
    path("totp/", views.TotpSetupView.as_view(), name="mfa-totp"),
    path("totp/confirm/", views.TotpConfirmView.as_view(), name="mfa-totp-confirm"),
    path("totp/disable/", views.TotpDisableView.as_view(), name="mfa-totp-disable"),
    path("recovery-codes/", views.RecoveryCodesView.as_view(), name="mfa-recovery-codes"),
]
