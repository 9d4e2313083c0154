"""Staff edit the directory here; an organisation's own editors see and edit only its services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from welcoming.directory import models as m
from welcoming.directory import services
from welcoming.lib.admin import TranslatableAdmin


def edits_everything(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_superuser or user.has_perm("directory.edit_any_organization"))


def editable_organizations(request: HttpRequest) -> QuerySet[m.Organization]:
    if edits_everything(request):
        return m.Organization.objects.all()
    return m.Organization.objects.filter(editors__user_id=request.user.pk or 0)


class OrganizationScopedAdmin(TranslatableAdmin):
    """Fails closed: without an editor link or the global permission, a user sees nothing."""

    organization_path = "organization"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = super().get_queryset(request)
        if edits_everything(request):
            return qs
        return qs.filter(**{f"{self.organization_path}__in": editable_organizations(request)})

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        """Rows edited inline belong to their parent's jurisdiction."""
        for obj in formset.save(commit=False):
            obj.jurisdiction_id = form.instance.jurisdiction_id
            obj.save()
        for obj in formset.deleted_objects:
            obj.delete()

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "organization":
            kwargs["queryset"] = editable_organizations(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ChildInline(admin.TabularInline):
    extra = 0
    exclude = ("translations",)


class ScheduleInline(ChildInline):
    model = m.Schedule
    fk_name = "service"
    fields = ("freq", "byday", "opens_at", "closes_at", "valid_from", "valid_to", "description")


class PhoneInline(ChildInline):
    model = m.Phone
    fk_name = "service"
    fields = ("number", "extension", "type", "description")


class LanguageInline(ChildInline):
    model = m.Language
    fk_name = "service"
    fields = ("code", "name", "note")


class CostOptionInline(ChildInline):
    model = m.CostOption
    fields = ("option", "amount", "currency", "amount_description")


class RequiredDocumentInline(ChildInline):
    model = m.RequiredDocument
    fields = ("document", "uri")


class ServiceAtLocationInline(ChildInline):
    model = m.ServiceAtLocation
    fields = ("location", "description")
    raw_id_fields = ("location",)


@admin.register(m.Service)
class ServiceAdmin(OrganizationScopedAdmin):
    list_display = ("name", "organization", "status", "delivery", "last_verified", "last_modified")
    list_filter = ("jurisdiction", "status", "delivery", "last_verified")
    search_fields = ("name", "organization__name")
    readonly_fields = ("last_modified",)
    raw_id_fields = ("program",)
    actions = ("verified_today",)
    inlines = (
        ServiceAtLocationInline,
        ScheduleInline,
        PhoneInline,
        LanguageInline,
        CostOptionInline,
        RequiredDocumentInline,
    )

    def save_model(self, request: HttpRequest, obj: m.Service, form: Any, change: bool) -> None:
        services.service_save(service=obj)

    @admin.action(description=_("Mark as verified today"), permissions=["verify"])
    def verified_today(self, request: HttpRequest, queryset: QuerySet[m.Service]) -> None:
        count = services.services_mark_verified(services=queryset)
        self.message_user(
            request, _("%(count)d services marked as verified today.") % {"count": count}, messages.SUCCESS
        )

    def has_verify_permission(self, request: HttpRequest) -> bool:
        return bool(
            request.user.has_perm("directory.verify_service") or request.user.has_perm("directory.change_service")
        )


@admin.register(m.Organization)
class OrganizationAdmin(OrganizationScopedAdmin):
    organization_path = "pk"
    list_display = ("name", "jurisdiction", "website", "last_verified")
    list_filter = ("jurisdiction",)
    search_fields = ("name",)
    raw_id_fields = ("parent_organization",)

    def save_model(self, request: HttpRequest, obj: m.Organization, form: Any, change: bool) -> None:
        services.organization_save(organization=obj)


class AddressInline(ChildInline):
    model = m.Address
    fields = ("address_1", "address_2", "city", "state_province", "postal_code", "country", "address_type")


@admin.register(m.Location)
class LocationAdmin(OrganizationScopedAdmin):
    list_display = ("name", "location_type", "confidential", "latitude", "longitude")
    list_filter = ("jurisdiction", "location_type", "confidential")
    search_fields = ("name",)
    raw_id_fields = ("organization",)
    inlines = (AddressInline,)


@admin.register(m.TaxonomyTerm)
class TaxonomyTermAdmin(TranslatableAdmin):
    list_display = ("name", "code", "need", "taxonomy")
    list_filter = ("jurisdiction", "need")
    search_fields = ("name", "code")
    raw_id_fields = ("parent", "taxonomy")

    def save_model(self, request: HttpRequest, obj: m.TaxonomyTerm, form: Any, change: bool) -> None:
        services.taxonomy_term_save(term=obj)


@admin.register(m.Taxonomy)
class TaxonomyAdmin(TranslatableAdmin):
    list_display = ("name", "version", "uri")


@admin.register(m.OrganizationEditor)
class OrganizationEditorAdmin(admin.ModelAdmin):
    list_display = ("user", "organization")
    raw_id_fields = ("user", "organization")


for model in (m.Program, m.Contact, m.ServiceArea, m.Funding, m.Accessibility, m.Attribute):
    admin.site.register(model, TranslatableAdmin)
