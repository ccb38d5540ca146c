from django.urls import include, path

from .features import auth_urls
from .jwks import JWKSView
from .views import LoginView, LogoutView, PasswordChangeView, RefreshView, TokenCheckView, VerifyView

urlpatterns = [
    path("login/", LoginView.as_view(), name="login"),
    path("refresh/", RefreshView.as_view(), name="refresh"),
    path("logout/", LogoutView.as_view(), name="logout"),
    path("verify/", VerifyView.as_view(), name="verify"),
    path("check/", TokenCheckView.as_view(), name="check"),
    path("password/", PasswordChangeView.as_view(), name="password"),
    path("jwks.json", JWKSView.as_view(), name="jwks"),
    # What optional apps add under /api/auth/ (authentication.features).
    *[path(prefix, include(urlconf)) for prefix, urlconf in auth_urls()],
]
