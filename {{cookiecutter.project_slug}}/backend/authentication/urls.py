from django.urls import include, path

from .features import auth_urls
from .jwks import JWKSView
from .session_views import (
    EndOtherSessionsView,
    ReauthenticateView,
    SessionDetailView,
    SessionListView,
    UserSessionsEndView,
)
from .views import LoginView, LogoutView, PasswordChangeView, RefreshView, TokenCheckView, VerifyView

urlpatterns = [
    path("login/", LoginView.as_view(), name="login"),
    path("refresh/", RefreshView.as_view(), name="refresh"),
    path("logout/", LogoutView.as_view(), name="logout"),
    path("verify/", VerifyView.as_view(), name="verify"),
    path("check/", TokenCheckView.as_view(), name="check"),
    path("password/", PasswordChangeView.as_view(), name="password"),
    path("jwks.json", JWKSView.as_view(), name="jwks"),
    path("reauthenticate/", ReauthenticateView.as_view(), name="reauthenticate"),
    path("sessions/", SessionListView.as_view(), name="sessions"),
    path("sessions/end-others/", EndOtherSessionsView.as_view(), name="sessions-end-others"),
    path("sessions/<uuid:session_id>/", SessionDetailView.as_view(), name="session"),
    path("users/<int:user_id>/sessions/end/", UserSessionsEndView.as_view(), name="user-sessions-end"),
    # What optional apps add under /api/auth/ (authentication.features).
    *[path(prefix, include(urlconf)) for prefix, urlconf in auth_urls()],
]
