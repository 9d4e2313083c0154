from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "welcoming.places"
    label = "places"
    verbose_name = "Places"
