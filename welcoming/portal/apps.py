from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "welcoming.portal"
    label = "portal"
    verbose_name = "Newcomer portal"
