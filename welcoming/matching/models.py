"""Requests, the city's housing rules and building register, match runs, proposals and allocations.

A request is what a client's household is waiting for (a flat, a room with a host, goods, a mentor, a
job, a volunteer's help), made by staff from her needs assessment. A match run pairs the open requests
of one kind with the published offers of that kind (`engine.py`, in the background on the task queue)
and stores its proposals with their explanations; a coordinator confirms or rejects each. Confirming
creates an allocation; `allocated` counters under database constraints on both the offer and the
request make it impossible to give one unit twice, whatever two coordinators do at once.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from welcoming.accounts.models import Agency, User
from welcoming.cases.models import Client, NeedsAssessment
from welcoming.community import vocab
from welcoming.community.models import Offer
from welcoming.lib.fields import EncryptedTextField
from welcoming.places.models import Area, Jurisdiction


class HousingPolicy(models.Model):
    """A city's housing rules (`rules.py`): which block a flat for a household and which only flag it."""

    class Mode(models.TextChoices):
        BLOCK = "block", _("Blocks the match")
        FLAG = "flag", _("Flags it for review")
        OFF = "off", _("Not checked")

    jurisdiction = models.OneToOneField(Jurisdiction, on_delete=models.CASCADE, related_name="housing_policy")
    occupancy = models.CharField(max_length=5, choices=Mode.choices, default=Mode.BLOCK)
    extra_bedrooms_flagged = models.PositiveSmallIntegerField(
        default=2, help_text=_("Flag a flat with this many bedrooms more than the household needs.")
    )
    affordability = models.CharField(max_length=5, choices=Mode.choices, default=Mode.BLOCK)
    affordability_share = models.DecimalField(
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.30"),
        validators=[MinValueValidator(Decimal("0.05")), MaxValueValidator(Decimal("1.00"))],
        help_text=_("Rent may be at most this share of the household's monthly income."),
    )
    blocking_issues = models.JSONField(
        default=list, blank=True, help_text="Building issue kinds that block; the other open kinds flag."
    )
    accessibility = models.CharField(max_length=5, choices=Mode.choices, default=Mode.BLOCK)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "housing policies"

    def __str__(self) -> str:
        return f"Housing rules of {self.jurisdiction}"


class BuildingIssue(models.Model):
    """An open (or closed) inspection issue of a building, imported from the city's register by address."""

    class Kind(models.TextChoices):
        PESTS = "pests", _("Pests")
        BEDBUGS = "bedbugs", _("Bedbugs")
        MOULD = "mould", _("Mould or damp")
        FIRE = "fire", _("Fire safety")
        HEATING = "heating", _("Heating or water")
        STRUCTURE = "structure", _("Structural safety")
        OTHER = "other", _("Other")

    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.CASCADE, related_name="building_issues")
    reference = models.CharField(max_length=60, help_text="The register's own id for the issue.")
    address = models.CharField(max_length=300, help_text="As the register writes it.")
    building_key = models.CharField(max_length=300, help_text="The normalised address the match is made on.")
    building_index = models.CharField(max_length=24, db_index=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    description = models.TextField(blank=True)
    opened_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-opened_on"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "reference"], name="building_issue_reference_unique")
        ]

    def __str__(self) -> str:
        return f"{self.address}: {self.kind}"


class Request(models.Model):
    """What a client's household waits for. Its facts are the ones the rules and the scores need."""

    class Kind(models.TextChoices):
        HOUSING = "housing", _("A flat to rent")
        HOST_ROOM = "host_room", _("A room with a host")
        GOODS = "goods", _("Goods")
        VOLUNTEER = "volunteer", _("A volunteer's help")
        MENTORING = "mentoring", _("A mentor")
        JOB = "job", _("Work")

    class State(models.TextChoices):
        OPEN = "open", _("Waiting")
        MATCHED = "matched", _("Matched")
        CLOSED = "closed", _("Closed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="requests")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="requests")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    assessment = models.ForeignKey(
        NeedsAssessment, on_delete=models.SET_NULL, null=True, blank=True, related_name="requests"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    state = models.CharField(max_length=8, choices=State.choices, default=State.OPEN)
    waiting_since = models.DateField()
    wanted = models.PositiveIntegerField(default=1, help_text="Units wanted: 1, or the number of goods.")
    allocated = models.PositiveIntegerField(default=0)

    # the household (housing, host_room)
    adults = models.PositiveSmallIntegerField(default=1)
    couple = models.BooleanField(default=False)
    children = models.JSONField(default=list, blank=True, help_text='[[age, "m"|"f"], ...] for the occupancy rule.')
    monthly_income = EncryptedTextField(blank=True, help_text="Decimal, in the city's currency.")
    step_free = models.BooleanField(default=False, help_text=_("Someone cannot use stairs."))
    pets = models.BooleanField(default=False)
    max_rent = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    areas = models.ManyToManyField(Area, blank=True, related_name="+", help_text=_("Neighbourhoods she prefers."))
    school_area = models.ForeignKey(Area, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    work_area = models.ForeignKey(Area, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    languages = models.JSONField(default=list, blank=True, help_text="Language codes, hers first.")

    # goods: {item slug: quantity}
    items = models.JSONField(default=dict, blank=True)
    # volunteer, mentoring, job
    skills = models.JSONField(default=list, blank=True)
    profession = models.CharField(max_length=120, blank=True)
    sector = models.CharField(max_length=16, choices=vocab.choices(vocab.SECTORS), blank=True)

    note = EncryptedTextField(blank=True)
    submission = models.UUIDField(null=True, blank=True, unique=True)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["waiting_since", "created_at"]
        indexes = [models.Index(fields=["jurisdiction", "kind", "state"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(allocated__lte=models.F("wanted")), name="request_allocated_within_wanted"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.id})"

    @property
    def household_size(self) -> int:
        return self.adults + len(self.children)


class MatchRun(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.CASCADE, related_name="match_runs")
    kind = models.CharField(max_length=10, choices=Request.Kind.choices)
    state = models.CharField(max_length=8, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent done.")
    stage = models.CharField(max_length=40, blank=True, help_text="A code for what the run is doing now.")
    weights = models.JSONField(default=dict, blank=True, help_text="Criterion weights this run used.")
    figures = models.JSONField(
        default=dict, blank=True, help_text="objective, upper_bound, greedy_objective, seconds, fairness..."
    )
    error = models.TextField(blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    started_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # one run at a time per city and kind: a second start finds the first
            models.UniqueConstraint(
                fields=["jurisdiction", "kind"],
                condition=models.Q(state__in=["queued", "running"]),
                name="match_run_one_active_per_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} run of {self.created_at:%Y-%m-%d %H:%M}"


class Proposal(models.Model):
    class State(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        CONFIRMED = "confirmed", _("Confirmed")
        REJECTED = "rejected", _("Rejected")
        STALE = "stale", _("No longer possible")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="proposals")
    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="proposals")
    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="proposals")
    item = models.CharField(max_length=24, blank=True, help_text="For goods: which item.")
    units = models.PositiveIntegerField(default=1)
    score = models.FloatField()
    rank = models.PositiveSmallIntegerField(default=1, help_text="1 if this was the household's best option.")
    explanation = models.JSONField(default=list, help_text="[{'code': ..., 'params': {...}}, ...] worded by gettext.")
    state = models.CharField(max_length=9, choices=State.choices, default=State.PROPOSED)
    decided_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-score"]
        constraints = [
            models.UniqueConstraint(fields=["run", "request", "offer", "item"], name="proposal_unique_in_run")
        ]


class Allocation(models.Model):
    """Units of an offer given to a request. Ended, never deleted, so the history stays."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    offer = models.ForeignKey(Offer, on_delete=models.PROTECT, related_name="allocations")
    request = models.ForeignKey(Request, on_delete=models.PROTECT, related_name="allocations")
    proposal = models.OneToOneField(
        Proposal, on_delete=models.SET_NULL, null=True, blank=True, related_name="allocation"
    )
    item = models.CharField(max_length=24, blank=True)
    units = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(units__gte=1), name="allocation_units_positive"),
        ]


class CheckIn(models.Model):
    """A follow-up after a placement: due dates are set when the allocation is made."""

    class Outcome(models.TextChoices):
        SETTLED = "settled", _("Going well")
        NEEDS_HELP = "needs_help", _("Needs help")
        ENDED = "ended", _("The placement has ended")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    allocation = models.ForeignKey(Allocation, on_delete=models.CASCADE, related_name="check_ins")
    due_on = models.DateField()
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    note = EncryptedTextField(blank=True)

    class Meta:
        ordering = ["due_on"]
