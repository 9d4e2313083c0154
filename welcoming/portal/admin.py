from django.contrib import admin

from welcoming.portal.models import ProblemReport


@admin.register(ProblemReport)
class ProblemReportAdmin(admin.ModelAdmin):
    list_display = ("service", "kind", "created", "resolved")
    list_filter = ("jurisdiction", "kind", "resolved")
    raw_id_fields = ("service",)
    readonly_fields = ("created", "language")
