"""Fair Entry's staff pages, added to the `staff` namespace by `cases/urls.py`."""

from django.urls import path

from welcoming.cases import programme_views as views

staff_patterns = [
    path("fair-entry/", views.queue, name="fair-entry"),
    path("fair-entry/new/", views.application_new, name="fair-entry-new"),
    path("fair-entry/export.csv", views.export, name="fair-entry-export"),
    path("fair-entry/<uuid:application_id>/", views.application, name="fair-entry-application"),
    path("fair-entry/<uuid:application_id>/decisions/<uuid:decision_id>/", views.decide, name="fair-entry-decide"),
    path("fair-entry/<uuid:application_id>/documents/", views.upload, name="fair-entry-upload"),
    path("fair-entry/<uuid:application_id>/renew/", views.renew, name="fair-entry-renew"),
    path("documents/<uuid:document_id>/", views.document_download, name="document-download"),
]
