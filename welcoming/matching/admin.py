from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django_tasks_db.models import DBTaskResult

from welcoming.lib.addresses import building_index, normalise
from welcoming.matching.models import BuildingIssue, HousingPolicy

# The queue's rows are the worker's business; a run's progress and failure are shown on its own page.
admin.site.unregister(DBTaskResult)


class HousingPolicyForm(forms.ModelForm):
    blocking_issues = forms.MultipleChoiceField(
        choices=BuildingIssue.Kind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Open issues of these kinds rule a flat out; open issues of the other kinds flag it for review.",
    )

    class Meta:
        model = HousingPolicy
        fields = [
            "jurisdiction",
            "occupancy",
            "extra_bedrooms_flagged",
            "affordability",
            "affordability_share",
            "blocking_issues",
            "accessibility",
        ]


@admin.register(HousingPolicy)
class HousingPolicyAdmin(admin.ModelAdmin):
    form = HousingPolicyForm
    list_display = ("jurisdiction", "occupancy", "affordability", "affordability_share", "accessibility", "updated_at")
    readonly_fields = ("updated_at",)


@admin.register(BuildingIssue)
class BuildingIssueAdmin(admin.ModelAdmin):
    list_display = ("address", "kind", "opened_on", "closed_on", "reference", "jurisdiction")
    list_filter = ("jurisdiction", "kind", ("closed_on", admin.EmptyFieldListFilter))
    search_fields = ("reference", "address", "building_key")
    readonly_fields = ("building_key", "building_index", "imported_at")
    date_hierarchy = "opened_on"

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        # the key the offers are matched on follows the address, as the import writes it
        obj.building_key = normalise(obj.address)[:300]
        obj.building_index = building_index(obj.address)
        super().save_model(request, obj, form, change)
