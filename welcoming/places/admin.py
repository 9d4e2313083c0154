from django.contrib import admin

from welcoming.lib.admin import TranslatableAdmin
from welcoming.places.models import Area, Jurisdiction


@admin.register(Jurisdiction)
class JurisdictionAdmin(TranslatableAdmin):
    list_display = ("code", "name", "default_language", "timezone")


@admin.register(Area)
class AreaAdmin(TranslatableAdmin):
    list_display = ("code", "name", "jurisdiction")
    list_filter = ("jurisdiction",)
