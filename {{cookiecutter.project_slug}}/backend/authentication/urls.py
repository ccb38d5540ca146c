from django.urls import path

{% if cookiecutter.jwt_algorithm == "RS256" -%}
from .jwks import JWKSView
{% endif -%}
{% if cookiecutter.use_mobile_endpoints == "y" -%}
from .mobile import MobileLoginView, MobileLogoutView, MobileRefreshView
{% endif -%}
from .views import LoginView, LogoutView, PasswordChangeView, RefreshView, TokenCheckView, VerifyView

urlpatterns = [
    path("login/", LoginView.as_view(), name="login"),
    path("refresh/", RefreshView.as_view(), name="refresh"),
    path("logout/", LogoutView.as_view(), name="logout"),
    path("verify/", VerifyView.as_view(), name="verify"),
    path("check/", TokenCheckView.as_view(), name="check"),
    path("password/", PasswordChangeView.as_view(), name="password"),
{%- if cookiecutter.use_mobile_endpoints == "y" %}
    path("mobile/login/", MobileLoginView.as_view(), name="mobile-login"),
    path("mobile/refresh/", MobileRefreshView.as_view(), name="mobile-refresh"),
    path("mobile/logout/", MobileLogoutView.as_view(), name="mobile-logout"),
{%- endif %}
{%- if cookiecutter.jwt_algorithm == "RS256" %}
    path("jwks.json", JWKSView.as_view(), name="jwks"),
{%- endif %}
]
