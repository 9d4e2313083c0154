from django.urls import path

from welcoming.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("find/", views.find, name="find"),
    path("services/<uuid:service_id>/", views.service, name="service"),
    path("privacy/", views.privacy, name="privacy"),
]
