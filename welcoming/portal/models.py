"""What newcomers can leave behind on the portal: reports that a service's details are wrong."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from welcoming.directory.models import Service
from welcoming.places.models import Jurisdiction


class ProblemReport(models.Model):
    """A staff task: check this service's details. No name, no contact, no address of the reporter."""

    class Kind(models.TextChoices):
        CLOSED = "closed", _("It is closed or does not exist any more")
        HOURS = "hours", _("The opening hours are wrong")
        PHONE = "phone", _("The phone number does not work")
        ADDRESS = "address", _("The address is wrong")
        LANGUAGE = "language", _("They do not speak the languages listed")
        OTHER = "other", _("Something else")

    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.CASCADE, related_name="+")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="problem_reports")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    note = models.TextField(blank=True, max_length=500)
    language = models.CharField(max_length=8)
    created = models.DateTimeField(auto_now_add=True)
    resolved = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["resolved", "-created"]
