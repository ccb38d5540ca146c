"""``GET /healthz`` (readiness) and ``GET /healthz/live`` (liveness) for container health checks,
orchestrators and load balancers."""

from django.db import DatabaseError, connection
from django.http import JsonResponse


class HealthCheckMiddleware:
    """Answer /healthz before host validation and the HTTPS redirect.

    Probes come from the orchestrator over plain HTTP with whatever Host header it uses, so
    this runs first in the middleware stack. ``/healthz`` reports whether the database answers:
    an instance that cannot reach it takes no traffic. ``/healthz/live`` only says the process
    serves requests, so a database outage never makes the orchestrator restart every instance.
    """

    path = "/healthz"
    live_path = "/healthz/live"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == self.live_path:
            return JsonResponse({"status": "ok"})
        if request.path != self.path:
            return self.get_response(request)
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except DatabaseError:
            return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
        return JsonResponse({"status": "ok", "database": "ok"})
