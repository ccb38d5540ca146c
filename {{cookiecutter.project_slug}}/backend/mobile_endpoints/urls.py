from django.urls import path

from .views import MobileLoginView, MobileLogoutView, MobileRefreshView

urlpatterns = [
    path("login/", MobileLoginView.as_view(), name="mobile-login"),
    path("refresh/", MobileRefreshView.as_view(), name="mobile-refresh"),
    path("logout/", MobileLogoutView.as_view(), name="mobile-logout"),
]
