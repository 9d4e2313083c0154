from django.urls import path

from welcoming.triage.api import TriageView

app_name = "triage"

urlpatterns = [path("triage", TriageView.as_view(), name="triage")]
