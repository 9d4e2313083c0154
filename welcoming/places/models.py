"""Jurisdictions (the tenant of every record) and their neighbourhoods."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models

from welcoming.lib import geo
from welcoming.lib.i18n import LANGUAGE_CODES
from welcoming.lib.models import Translatable

LANGUAGE_CHOICES = [(code, code) for code in LANGUAGE_CODES]


def validate_geojson(value: Any) -> None:
    if value in (None, {}):
        return
    try:
        geo.geometry(value)
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc


class Jurisdiction(Translatable):
    """A city or region: the tenant. Every tenant-owned row points at one."""

    translated_fields = ("name",)

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    default_language = models.CharField(max_length=8, choices=LANGUAGE_CHOICES, default="en")
    languages = models.JSONField(default=list, help_text='Language codes offered, e.g. ["en", "ar"].')
    timezone = models.CharField(max_length=64, default="UTC")
    country = models.CharField(max_length=2, default="", blank=True)
    state_province = models.CharField(max_length=100, default="", blank=True)
    centre_latitude = models.FloatField()
    centre_longitude = models.FloatField()
    boundary = models.JSONField(null=True, blank=True, validators=[validate_geojson])
    emergency_contacts = models.JSONField(
        default=list, blank=True, help_text='[{"number": "911", "name": {"en": "...", "ar": "..."}}]'
    )
    hosts = models.JSONField(
        default=list,
        blank=True,
        help_text='Host names that select this jurisdiction, e.g. ["welcome.riverton.ca"].',
    )
    client_prefix = models.CharField(
        max_length=5,
        blank=True,
        validators=[RegexValidator(r"^[A-Z]{2,5}$", "two to five capital letters")],
        help_text="Starts every client code, e.g. RVT in RVT-26-000123-7.",
    )

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def source_language(self) -> str:
        return self.default_language


class Area(Translatable):
    """A neighbourhood: a polygon and the postal codes inside it."""

    translated_fields = ("name",)

    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.CASCADE, related_name="areas")
    code = models.SlugField(max_length=60)
    name = models.CharField(max_length=200)
    boundary = models.JSONField(validators=[validate_geojson])
    postal_codes = models.JSONField(default=list, blank=True)
    centre_latitude = models.FloatField()
    centre_longitude = models.FloatField()

    class Meta:
        ordering = ["jurisdiction", "code"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "code"], name="area_code_unique_per_jurisdiction")
        ]

    def __str__(self) -> str:
        return self.name

    def source_language(self) -> str:
        return self.jurisdiction.default_language

    def contains(self, latitude: float, longitude: float) -> bool:
        return geo.contains(self.boundary, latitude, longitude)
