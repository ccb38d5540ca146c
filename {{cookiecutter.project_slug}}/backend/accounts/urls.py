from django.urls import path

from . import views

urlpatterns = [
    path("me/", views.MeView.as_view(), name="me"),
    path("account/signup/", views.SignupView.as_view(), name="signup"),
    path("account/verify-email/", views.VerifyEmailView.as_view(), name="verify-email"),
    path("account/verify-email/resend/", views.ResendVerificationView.as_view(), name="verify-email-resend"),
    path("account/password-reset/", views.PasswordResetView.as_view(), name="password-reset"),
    path("account/password-reset/confirm/", views.PasswordResetConfirmView.as_view(), name="password-reset-confirm"),
    path("account/email/", views.EmailChangeView.as_view(), name="email-change"),
    path("account/email/confirm/", views.EmailChangeConfirmView.as_view(), name="email-change-confirm"),
]
