"""The service directory in the Open Referral HSDS 3.0 model.

Each model is one HSDS object with its HSDS field names and a UUID `id`. Extensions that do not
break HSDS: `jurisdiction` (the tenant), `translations` of the human text fields, `last_verified`,
`Location.confidential`, `Service.delivery` and `TaxonomyTerm.need`.

References that HSDS data in the wild leaves dangling (the official examples do: a location's
organization, a contact's service_at_location, a term's parent...) are foreign keys without a
database constraint, so an import keeps the id as given; the references an object cannot live
without (a service's organization, a service_at_location's service and location, the parent of a
phone or schedule...) are real foreign keys.
"""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.db import models
from django.db.models.functions import Lower

from welcoming.directory.needs import NEED_SLUGS
from welcoming.lib.models import Translatable
from welcoming.places.models import Jurisdiction

NEED_CHOICES = [(slug, slug) for slug in NEED_SLUGS]


def text() -> Any:
    return models.TextField(blank=True, default="")


def short(max_length: int = 255) -> Any:
    return models.CharField(max_length=max_length, blank=True, default="")


def owned_by(model: str, related_name: str) -> Any:
    """A parent the row cannot live without."""
    return models.ForeignKey(model, on_delete=models.CASCADE, null=True, blank=True, related_name=related_name)


def loose(model: str, related_name: str = "+") -> Any:
    """A reference kept as given even when its target is not (yet) in the directory."""
    return models.ForeignKey(
        model,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name=related_name,
    )


class HsdsObject(Translatable):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.CASCADE, related_name="+")

    hsds_name: ClassVar[str] = ""

    class Meta:
        abstract = True

    def source_language(self) -> str:
        return self.jurisdiction.default_language


class Taxonomy(HsdsObject):
    hsds_name = "taxonomy"
    translated_fields = ("name", "description")

    name = models.CharField(max_length=255)
    description = text()
    uri = short(500)
    version = short(50)

    class Meta:
        verbose_name_plural = "taxonomies"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TaxonomyTerm(HsdsObject):
    hsds_name = "taxonomy_term"
    translated_fields = ("name", "description")

    code = short(100)
    name = models.CharField(max_length=255)
    description = text()
    parent = loose("directory.TaxonomyTerm")
    taxonomy_label = short(255)  # HSDS `taxonomy`: the taxonomy's name as free text
    language = short(20)
    taxonomy = loose("directory.Taxonomy")
    term_uri = short(500)
    need = models.CharField(
        max_length=20, choices=NEED_CHOICES, blank=True, default="", help_text="Need category of the triage."
    )

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["jurisdiction", "need"], name="term_need_idx")]

    def __str__(self) -> str:
        return self.name


class Organization(HsdsObject):
    hsds_name = "organization"
    translated_fields = ("name", "alternate_name", "description")

    name = models.CharField(max_length=255)
    alternate_name = short()
    description = text()
    email = short()
    website = short(500)
    tax_status = short()
    tax_id = short()
    year_incorporated = models.IntegerField(null=True, blank=True)
    legal_status = short()
    logo = short(500)
    uri = short(500)
    parent_organization = loose("directory.Organization")
    last_verified = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(Lower("name"), "jurisdiction", name="organization_name_idx")]
        permissions = [("edit_any_organization", "Can edit every organization's services")]

    def __str__(self) -> str:
        return self.name


class OrganizationIdentifier(HsdsObject):
    hsds_name = "organization_identifier"

    organization = owned_by("directory.Organization", "organization_identifiers")
    identifier_scheme = short()
    identifier_type = models.CharField(max_length=255)
    identifier = models.CharField(max_length=255)


class Program(HsdsObject):
    hsds_name = "program"
    translated_fields = ("name", "alternate_name", "description")

    organization = owned_by("directory.Organization", "programs")
    name = models.CharField(max_length=255)
    alternate_name = short()
    description = text()

    def __str__(self) -> str:
        return self.name


class Service(HsdsObject):
    hsds_name = "service"
    translated_fields = (
        "name",
        "alternate_name",
        "description",
        "interpretation_services",
        "application_process",
        "fees_description",
        "wait_time",
        "fees",
        "accreditations",
        "eligibility_description",
        "licenses",
        "alert",
    )

    class Status(models.TextChoices):
        ACTIVE = "active"
        INACTIVE = "inactive"
        DEFUNCT = "defunct"
        TEMPORARILY_CLOSED = "temporarily closed"

    class Delivery(models.TextChoices):
        IN_PERSON = "in-person"
        VIRTUAL = "virtual"
        PHONE = "phone"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="services")
    program = models.ForeignKey(Program, on_delete=models.SET_NULL, null=True, blank=True, related_name="services")
    name = models.CharField(max_length=255)
    alternate_name = short()
    description = text()
    url = short(500)
    email = short()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    interpretation_services = text()
    application_process = text()
    fees_description = text()
    wait_time = text()
    fees = text()
    accreditations = text()
    eligibility_description = text()
    minimum_age = models.FloatField(null=True, blank=True)
    maximum_age = models.FloatField(null=True, blank=True)
    assured_date = models.DateField(null=True, blank=True)
    assurer_email = short()
    licenses = text()
    alert = text()
    last_modified = models.DateTimeField(db_index=True)
    delivery = models.CharField(max_length=20, choices=Delivery.choices, default=Delivery.IN_PERSON)
    last_verified = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["jurisdiction", "name"], name="service_name_idx"),
            models.Index(fields=["jurisdiction", "last_modified"], name="service_modified_idx"),
        ]
        permissions = [("verify_service", "Can mark services as verified")]

    def __str__(self) -> str:
        return self.name


class Location(HsdsObject):
    hsds_name = "location"
    translated_fields = ("name", "alternate_name", "description", "transportation")

    class LocationType(models.TextChoices):
        PHYSICAL = "physical"
        POSTAL = "postal"
        VIRTUAL = "virtual"

    location_type = models.CharField(max_length=20, choices=LocationType.choices, default=LocationType.PHYSICAL)
    url = short(500)
    organization = loose("directory.Organization", related_name="hsds_locations")
    name = short()
    alternate_name = short()
    description = text()
    transportation = text()
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    external_identifier = short()
    external_identifier_type = short()
    confidential = models.BooleanField(
        default=False, help_text="A safe place: its address and position are shown only to authorised staff."
    )

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["latitude", "longitude"], name="location_position_idx")]
        permissions = [("view_confidential_location", "Can see the address of confidential locations")]

    def __str__(self) -> str:
        return self.name or str(self.id)


class ServiceAtLocation(HsdsObject):
    hsds_name = "service_at_location"
    translated_fields = ("description",)

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="service_at_locations")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="service_at_locations")
    description = text()

    class Meta:
        verbose_name = "service at location"
        ordering = ["id"]


class Address(HsdsObject):
    hsds_name = "address"

    location = owned_by("directory.Location", "addresses")
    attention = short()
    address_1 = models.CharField(max_length=255)
    address_2 = short()
    city = models.CharField(max_length=255)
    region = short()
    state_province = models.CharField(max_length=255)
    postal_code = models.CharField(max_length=40)
    country = models.CharField(max_length=100)
    address_type = models.CharField(max_length=20, default="physical")

    class Meta:
        verbose_name_plural = "addresses"
        ordering = ["id"]


class Contact(HsdsObject):
    hsds_name = "contact"
    translated_fields = ("title", "department")

    organization = loose("directory.Organization", related_name="contacts")
    service = owned_by("directory.Service", "contacts")
    service_at_location = loose("directory.ServiceAtLocation", related_name="contacts")
    location = owned_by("directory.Location", "contacts")
    name = short()
    title = short()
    department = short()
    email = short()

    class Meta:
        ordering = ["id"]


class Phone(HsdsObject):
    hsds_name = "phone"
    translated_fields = ("description",)

    location = owned_by("directory.Location", "phones")
    service = owned_by("directory.Service", "phones")
    organization = owned_by("directory.Organization", "phones")
    contact = owned_by("directory.Contact", "phones")
    service_at_location = owned_by("directory.ServiceAtLocation", "phones")
    number = models.CharField(max_length=100)
    extension = models.FloatField(null=True, blank=True)
    type = short(50)
    description = text()

    class Meta:
        ordering = ["id"]


class Schedule(HsdsObject):
    """Opening times as RFC 5545 recurrence fields; several schedules make several periods."""

    hsds_name = "schedule"
    translated_fields = ("description", "notes", "attending_type")

    service = owned_by("directory.Service", "schedules")
    location = owned_by("directory.Location", "schedules")
    service_at_location = owned_by("directory.ServiceAtLocation", "schedules")
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    dtstart = models.DateField(null=True, blank=True)
    timezone = models.FloatField(null=True, blank=True, help_text="UTC offset in hours")
    until = models.DateField(null=True, blank=True)
    count = models.IntegerField(null=True, blank=True)
    wkst = short(2)
    freq = short(10)
    interval = models.IntegerField(null=True, blank=True)
    byday = short(100)
    byweekno = short(200)
    bymonthday = short(200)
    byyearday = short(400)
    description = text()
    opens_at = models.TimeField(null=True, blank=True)
    closes_at = models.TimeField(null=True, blank=True)
    schedule_link = short(500)
    attending_type = short()
    notes = text()

    class Meta:
        ordering = ["id"]


class Language(HsdsObject):
    hsds_name = "language"
    translated_fields = ("note",)

    service = owned_by("directory.Service", "languages")
    location = owned_by("directory.Location", "languages")
    phone = owned_by("directory.Phone", "languages")
    name = short(100)
    code = short(20)
    note = text()

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["code"], name="language_code_idx")]


class ServiceArea(HsdsObject):
    hsds_name = "service_area"
    translated_fields = ("name", "description")

    service = owned_by("directory.Service", "service_areas")
    name = short()
    description = text()
    extent = text()
    extent_type = short(50)
    uri = short(500)

    class Meta:
        ordering = ["id"]


class RequiredDocument(HsdsObject):
    hsds_name = "required_document"
    translated_fields = ("document",)

    service = owned_by("directory.Service", "required_documents")
    document = text()
    uri = short(500)

    class Meta:
        ordering = ["id"]


class CostOption(HsdsObject):
    hsds_name = "cost_option"
    translated_fields = ("option", "amount_description")

    service = owned_by("directory.Service", "cost_options")
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    option = text()
    currency = short(10)
    amount = models.FloatField(null=True, blank=True)
    amount_description = text()

    class Meta:
        ordering = ["id"]


class Funding(HsdsObject):
    hsds_name = "funding"
    translated_fields = ("source",)

    organization = owned_by("directory.Organization", "funding")
    service = owned_by("directory.Service", "funding")
    source = text()

    class Meta:
        verbose_name_plural = "funding"
        ordering = ["id"]


class Accessibility(HsdsObject):
    hsds_name = "accessibility"
    translated_fields = ("description", "details")

    location = owned_by("directory.Location", "accessibility")
    description = text()
    details = text()
    url = short(500)

    class Meta:
        verbose_name_plural = "accessibility"
        ordering = ["id"]


class Attribute(HsdsObject):
    """Links a taxonomy term to any HSDS object (`link_entity` names the table, `link_id` the row)."""

    hsds_name = "attribute"
    translated_fields = ("value",)

    link_id = models.UUIDField(null=True, blank=True)
    taxonomy_term = models.ForeignKey(TaxonomyTerm, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    link_type = short(100)
    link_entity = short(100)
    value = text()

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["link_id", "link_entity"], name="attribute_link_idx"),
            # covers "which services carry this term" without reading the rows
            models.Index(fields=["taxonomy_term", "link_id"], name="attribute_term_link_idx"),
        ]


class Metadata(HsdsObject):
    hsds_name = "metadata"

    resource_id = models.UUIDField(null=True, blank=True)
    resource_type = short(100)
    last_action_date = models.DateField(null=True, blank=True)
    last_action_type = short(100)
    field_name = short(100)
    previous_value = text()
    replacement_value = text()
    updated_by = short()

    class Meta:
        verbose_name_plural = "metadata"
        ordering = ["id"]
        indexes = [models.Index(fields=["resource_id"], name="metadata_resource_idx")]


class MetaTableDescription(HsdsObject):
    hsds_name = "meta_table_description"

    name = short()
    language = short(20)
    character_set = short(50)

    class Meta:
        ordering = ["id"]


class ServiceSearch(models.Model):
    """The searchable text of a service in every language, normalised (see `directory.search`)."""

    service = models.OneToOneField(Service, on_delete=models.CASCADE, related_name="search")
    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.CASCADE, related_name="+")
    document = models.TextField()


class OrganizationEditor(models.Model):
    """A user who may edit one organisation's services in the admin, and nothing else's."""

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="edited_organizations")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="editors")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "organization"], name="organization_editor_unique")]
