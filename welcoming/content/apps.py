from django.apps import AppConfig


class ContentConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "welcoming.content"
    verbose_name = "Guides, rights and myths"
