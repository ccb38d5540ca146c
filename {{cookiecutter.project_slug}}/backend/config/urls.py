"""URL routes: the auth API (with what optional apps add to it), the example API, the admin and the docs."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView

from .docs import RedocView, SwaggerUIView
from .errors import api_not_found
from .views import VersionView

admin.site.site_header = f"{settings.PROJECT_NAME} administration"
admin.site.site_title = settings.PROJECT_NAME
admin.site.site_url = settings.FRONTEND_URL  # "View site" opens the web app, not the API

urlpatterns = [
    path("api/auth/mfa/", include("mfa.urls")),
    path("api/auth/", include("authentication.urls")),
    path("api/", include("accounts.urls")),
    path("api/", include("audit.urls")),
    path("api/version/", VersionView.as_view(), name="version"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SwaggerUIView.as_view(), name="docs"),
    path("api/redoc/", RedocView.as_view(), name="redoc"),
    path("admin/", admin.site.urls),
    # Last: any other path under /api/ gets the JSON error shape, DEBUG or not.
    re_path(r"^api/", api_not_found),
]

# With DEBUG off, errors outside DRF views answer in the API's JSON error shape too.
handler400 = "config.errors.bad_request"
handler403 = "config.errors.permission_denied"
handler404 = "config.errors.not_found"
handler500 = "config.errors.server_error"
