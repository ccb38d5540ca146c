"""The API docs pages: Swagger UI at /api/docs/ and Redoc at /api/redoc/.

Both load their scripts and styles from drf-spectacular-sidecar's static files, and their
Content-Security-Policy lets them load nothing from any other server: an auth server's docs
page must never run or fetch third-party code (Redoc, for one, would fetch its vendor's logo).
Swagger UI is served in drf-spectacular's "split" form, its start-up script a file of its own,
so no inline script needs allowing.
"""

from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView

POLICY = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' data:",
        # Both pages style their own elements at run time.
        "style-src 'self' 'unsafe-inline'",
        # Redoc's search index runs in a worker started from a blob URL.
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)


class DocsPolicyMixin:
    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Content-Security-Policy"] = POLICY
        return response


class SwaggerUIView(DocsPolicyMixin, SpectacularSwaggerSplitView):
    pass


class RedocView(DocsPolicyMixin, SpectacularRedocView):
    template_name = "api_docs/redoc.html"
