"""City staff define the Fair Entry programmes here: rules as data, names and descriptions with
their translations side by side. Applications and decisions are not edited here: they change only
through the services, with their audit entries."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from welcoming.cases import eligibility
from welcoming.cases.models import Programme
from welcoming.lib.admin import TranslatableAdmin


@admin.register(Programme)
class ProgrammeAdmin(TranslatableAdmin):
    list_display = ("name", "slug", "jurisdiction", "active", "limits", "age_band", "renewal_months", "order")
    list_filter = ("jurisdiction", "active")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related("jurisdiction")

    @admin.display(description="income limits (1, 2, 3 … people)")
    def limits(self, programme: Programme) -> str:
        rules = programme.rules()
        shown = ", ".join(f"{limit:,}" for limit in rules.income_limits)
        return f"{shown} (+{rules.each_additional:,} each)" if rules.each_additional else shown

    @admin.display(description="age band")
    def age_band(self, programme: Programme) -> str:
        if programme.age_min is None and programme.age_max is None:
            return "—"
        whose = "applicant" if programme.age_of == eligibility.AgeOf.APPLICANT else "someone in the household"
        return f"{programme.age_min if programme.age_min is not None else 0}–{programme.age_max or '…'} ({whose})"
