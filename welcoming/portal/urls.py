from django.urls import path

from welcoming.portal import screener, views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("find/", views.find, name="find"),
    path("find/print/", views.find_print, name="find-print"),
    path("services/<uuid:service_id>/", views.service, name="service"),
    path("services/<uuid:service_id>/print/", views.service, name="service-print"),
    path("guides/", views.guides, name="guides"),
    path("guides/<slug:slug>/", views.guide, name="guide"),
    path("privacy/", views.privacy, name="privacy"),
    path("register/", views.register, name="register"),
    path("register/done/<str:token>/", views.register_done, name="register-done"),
    path("programmes/", screener.programmes, name="programmes"),
]
