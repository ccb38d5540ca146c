"""URL routes: the auth API, the example API, the admin and the OpenAPI documents."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from .views import VersionView

urlpatterns = [
    path("api/auth/", include("authentication.urls")),
    path("api/", include("accounts.urls")),
    path("api/version/", VersionView.as_view(), name="version"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="redoc"),
    path("admin/", admin.site.urls),
]

# With DEBUG off, errors outside DRF views answer in the API's JSON error shape too.
handler400 = "config.errors.bad_request"
handler403 = "config.errors.permission_denied"
handler404 = "config.errors.not_found"
handler500 = "config.errors.server_error"
