from django.apps import AppConfig


class MobileEndpointsConfig(AppConfig):
    name = "mobile_endpoints"
    verbose_name = "Mobile endpoints"
    # Mounted under /api/auth/ (authentication.features): /api/auth/mobile/login/ and the rest.
    auth_urls = ("mobile/", "mobile_endpoints.urls")
