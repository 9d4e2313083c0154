from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView

from welcoming.accounts.api.views import TokenView
from welcoming.accounts.security import relaxed_for_api_docs
from welcoming.portal.views import choose_language, service_worker


def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers, and the hello-world baseline of the benchmarks."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("sw.js", service_worker, name="service-worker"),
    path("admin/", admin.site.urls),
    path("staff/", include("welcoming.staff_urls")),
    path("api/hsds/", include("welcoming.directory.api.urls")),
    path("api/v1/auth/token", TokenView.as_view(), name="auth-token"),
    path("api/v1/", include("welcoming.triage.urls")),
    path("api/v1/", include("welcoming.cases.api_urls")),
    path("api/v1/", include(("welcoming.cases.programme_api", "fair-entry"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", relaxed_for_api_docs(SpectacularRedocView.as_view(url_name="schema")), name="api-docs"),
    path("", choose_language, name="choose-language"),
    *i18n_patterns(
        path("", include("welcoming.portal.urls")),
        path("offer/", include("welcoming.community.urls")),
        path("housing/", include("welcoming.matching.urls")),
        prefix_default_language=True,
    ),
]
