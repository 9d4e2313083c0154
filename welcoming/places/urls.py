from django.urls import path

from welcoming.places import views

urlpatterns = [path("", views.home, name="home")]
