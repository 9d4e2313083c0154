from django.apps import AppConfig


class MatchingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "welcoming.matching"
    verbose_name = "Matching and placement"
