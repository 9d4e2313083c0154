"""What the triage keeps: anonymous demand, and nothing that could point to a person."""

from __future__ import annotations

from django.db import models

from welcoming.places.models import Area, Jurisdiction


class Demand(models.Model):
    """One triage: the day, the language and the needs found, and the neighbourhood if she gave one.
    No text, no address, no IP address, no cookie, no time of day."""

    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.CASCADE, related_name="+")
    day = models.DateField(db_index=True)
    language = models.CharField(max_length=8)
    needs = models.JSONField(default=list)
    area = models.ForeignKey(Area, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["jurisdiction", "day"], name="demand_day_idx")]
