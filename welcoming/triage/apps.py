from django.apps import AppConfig


class TriageConfig(AppConfig):
    name = "welcoming.triage"
    label = "triage"
    verbose_name = "Triage"
