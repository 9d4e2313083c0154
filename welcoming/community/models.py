"""Offers from residents and organisations: flats, rooms in their homes, goods, time, mentoring, work.

An offer is made on a public form without an account. The offerer confirms her e-mail address, the
city's moderators publish or reject the offer, and a private link lets her update or withdraw it. Only
published offers take part in matching. Her name, e-mail, phone and the address of a home are
encrypted at rest; the e-mail and the building are found through blind indexes.

`capacity` is how many units the offer gives (1 flat, 3 blankets, 2 mentees, 4 positions) and
`allocated` how many are taken. A database constraint keeps `allocated <= capacity`, so whatever
races happen in the services above it, one unit can never be given twice.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from welcoming.accounts.models import User
from welcoming.community import vocab
from welcoming.lib.fields import EncryptedTextField
from welcoming.places.models import Area, Jurisdiction


class Offerer(models.Model):
    """The person or organisation behind one or more offers. Found again by her e-mail's blind index."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="offerers")
    name = EncryptedTextField()
    email = EncryptedTextField()
    email_index = models.CharField(max_length=24, db_index=True)
    phone = EncryptedTextField(blank=True)
    organisation = models.CharField(max_length=200, blank=True, help_text=_("A business, faith group or association."))
    language = models.CharField(max_length=8, help_text=_("The language she wrote in; we write back in it."))
    consent_at = models.DateTimeField(help_text=_("When she agreed that we keep her details to run her offers."))
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.organisation or str(self.id)


class Offer(models.Model):
    class Kind(models.TextChoices):
        HOUSING = "housing", _("A flat or house to rent")
        HOST_ROOM = "host_room", _("A room in my home")
        GOODS = "goods", _("Goods")
        VOLUNTEER = "volunteer", _("My time and skills")
        MENTORING = "mentoring", _("Mentoring in my profession")
        JOB = "job", _("A job, internship or paid short-term work")

    class State(models.TextChoices):
        UNVERIFIED = "unverified", _("E-mail not yet confirmed")
        PENDING = "pending", _("Waiting for review")
        PUBLISHED = "published", _("Published")
        REJECTED = "rejected", _("Not accepted")
        TAKEN = "taken", _("Fully taken")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Condition(models.TextChoices):
        NEW = "new", _("New")
        GOOD = "good", _("Good")
        USED = "used", _("Used but working")

    class JobType(models.TextChoices):
        JOB = "job", _("Job")
        INTERNSHIP = "internship", _("Internship")
        SHORT_TERM = "short_term", _("Paid short-term work")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="offers")
    offerer = models.ForeignKey(Offerer, on_delete=models.CASCADE, related_name="offers")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    state = models.CharField(max_length=10, choices=State.choices, default=State.UNVERIFIED)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    text_language = models.CharField(max_length=8, help_text=_("The language the title and description are in."))
    area = models.ForeignKey(Area, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    available_from = models.DateField(null=True, blank=True)
    available_until = models.DateField(null=True, blank=True)
    capacity = models.PositiveIntegerField(default=1)
    allocated = models.PositiveIntegerField(default=0)

    # a flat (housing) or a room in a home (host_room)
    address = EncryptedTextField(blank=True)
    building_index = models.CharField(
        max_length=24, blank=True, db_index=True, help_text="Blind index of the building's normalised address."
    )
    bedrooms = models.PositiveSmallIntegerField(null=True, blank=True)
    beds = models.PositiveSmallIntegerField(null=True, blank=True)
    rent_monthly = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    step_free = models.BooleanField(default=False, help_text=_("No steps from the street to the door and inside."))
    floor = models.SmallIntegerField(null=True, blank=True)
    lift = models.BooleanField(null=True, blank=True)
    pets_allowed = models.BooleanField(null=True, blank=True)
    furnished = models.BooleanField(null=True, blank=True)
    duration_weeks = models.PositiveSmallIntegerField(null=True, blank=True)
    host_household = models.TextField(blank=True, help_text=_("Who lives in the home, in the host's words."))
    languages = models.JSONField(default=list, blank=True, help_text="Language codes the offerer speaks.")

    # goods
    item = models.CharField(max_length=24, choices=vocab.choices(vocab.ITEMS), blank=True)
    condition = models.CharField(max_length=6, choices=Condition.choices, blank=True)
    needs_storage = models.BooleanField(default=False, help_text=_("The city's warehouse should collect and keep it."))

    # time, mentoring and work
    skills = models.JSONField(default=list, blank=True, help_text="Skill slugs from community.vocab.SKILLS.")
    profession = models.CharField(max_length=120, blank=True)
    sector = models.CharField(max_length=16, choices=vocab.choices(vocab.SECTORS), blank=True)
    job_type = models.CharField(max_length=10, choices=JobType.choices, blank=True)
    paid = models.BooleanField(null=True, blank=True)
    hours_per_week = models.PositiveSmallIntegerField(null=True, blank=True)

    submission = models.UUIDField(
        null=True, blank=True, unique=True, help_text="The public form's one-time key: a double submit makes one offer."
    )
    verify_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    manage_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    moderated_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderation_note = models.TextField(blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["jurisdiction", "kind", "state"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(allocated__lte=models.F("capacity")), name="offer_allocated_within_capacity"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def remaining(self) -> int:
        return self.capacity - self.allocated
