from django.urls import path

from .views import MobileLoginView, MobileLogoutView, MobileMfaEnrollView, MobileMfaVerifyView, MobileRefreshView

urlpatterns = [
    path("login/", MobileLoginView.as_view(), name="mobile-login"),
    path("refresh/", MobileRefreshView.as_view(), name="mobile-refresh"),
    path("logout/", MobileLogoutView.as_view(), name="mobile-logout"),
    path("mfa/verify/", MobileMfaVerifyView.as_view(), name="mobile-mfa-verify"),
    path("mfa/enroll/", MobileMfaEnrollView.as_view(), name="mobile-mfa-enroll"),
]
