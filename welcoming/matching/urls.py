"""Public housing pages under /{lang}/housing/ (namespace `housing`); staff pages join /staff/."""

from django.urls import URLPattern, path

from welcoming.matching import housing_views, request_views, run_views

app_name = "housing"

urlpatterns: list[URLPattern] = [
    path("check/", housing_views.check, name="check"),
]

staff_patterns: list[URLPattern] = [
    # the housing rules and the building register (housing_views)
    path("housing/check/", housing_views.staff_check, name="housing-check"),
    path("housing/register/", housing_views.register_page, name="housing-register"),
    # match runs, their proposals, placements and check-ins (run_views)
    path("matching/", run_views.runs, name="matching"),
    path("matching/start/", run_views.run_start, name="run-start"),
    path("matching/runs/<uuid:run_id>/", run_views.run, name="run"),
    path("matching/runs/<uuid:run_id>/progress.json", run_views.run_progress, name="run-progress"),
    path("matching/proposals/<uuid:proposal_id>/confirm/", run_views.proposal_confirm, name="proposal-confirm"),
    path("matching/proposals/<uuid:proposal_id>/reject/", run_views.proposal_reject, name="proposal-reject"),
    path("matching/allocations/<uuid:allocation_id>/end/", run_views.allocation_end, name="allocation-end"),
    path("check-ins/", run_views.check_ins, name="check-ins"),
    path("check-ins/<uuid:check_in_id>/", run_views.check_in, name="check-in"),
    # requests from clients' needs (request_views)
    path("requests/", request_views.requests, name="requests"),
    path("requests/<uuid:request_id>/", request_views.request_detail, name="request"),
    path("requests/<uuid:request_id>/edit/", request_views.request_edit, name="request-edit"),
    path("requests/<uuid:request_id>/close/", request_views.request_close, name="request-close"),
    path("clients/<uuid:client_id>/requests/new/", request_views.request_new, name="client-request-new"),
]
