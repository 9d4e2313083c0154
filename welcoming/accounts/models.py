"""Who works in the platform, for which agency, in which role; and the audit log of what they saw and did."""

from __future__ import annotations

import datetime
import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from welcoming.places.models import Jurisdiction


class User(AbstractUser):
    """A staff or partner user. Newcomers never need an account."""


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("City coordinator")
    MANAGER = "manager", _("Agency manager")
    CASEWORKER = "caseworker", _("Caseworker")
    ANALYST = "analyst", _("Analyst")
    VOLUNTEER_COORDINATOR = "volunteer-coordinator", _("Volunteer coordinator")


# roles held inside an agency; the others act for the whole jurisdiction
AGENCY_ROLES = frozenset({Role.MANAGER, Role.CASEWORKER, Role.VOLUNTEER_COORDINATOR})


class Agency(models.Model):
    """A partner organisation whose staff work with clients: the city's one-stop shop, a settlement
    agency, a clinic. Linked to its entry in the directory, so referrals go to its services."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.CASCADE, related_name="agencies")
    name = models.CharField(max_length=200)
    organization = models.ForeignKey(
        "directory.Organization", on_delete=models.SET_NULL, null=True, blank=True, related_name="agencies"
    )
    email = models.EmailField(blank=True, help_text="Where new referrals are announced.")
    referral_response_days = models.PositiveSmallIntegerField(
        default=5, help_text="Days the agency has to accept or decline a referral before it shows as late."
    )

    class Meta:
        verbose_name_plural = "agencies"
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["jurisdiction", "name"], name="agency_name_unique")]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A user's role in a jurisdiction, and for agency roles, in which agency."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.CASCADE, related_name="memberships")
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, null=True, blank=True, related_name="memberships")
    role = models.CharField(max_length=24, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "jurisdiction", "agency", "role"], name="membership_unique"),
            models.CheckConstraint(
                condition=models.Q(role__in=sorted(AGENCY_ROLES), agency__isnull=False)
                | (~models.Q(role__in=sorted(AGENCY_ROLES)) & models.Q(agency__isnull=True)),
                name="membership_agency_matches_role",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}" + (f" · {self.agency}" if self.agency_id else "")


class AppendOnlyQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: object) -> int:
        raise PermissionError("the audit log is append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("the audit log is append-only")


class AuditEntry(models.Model):
    """One read or write of personal data: who, when, which record, which fields, why.

    Append-only: the model and its queryset refuse updates and deletes, and a database trigger
    refuses updates.
    Holds identifiers and field names, never the data itself, so it survives a client's erasure.
    """

    class Action(models.TextChoices):
        READ = "read"
        CREATE = "create"
        UPDATE = "update"
        DELETE = "delete"
        SHARE = "share"
        EXPORT = "export"
        MERGE = "merge"
        ERASE = "erase"
        LOGIN = "login"
        LOGIN_FAILED = "login-failed"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user_id = models.IntegerField(null=True, blank=True)  # no foreign key: entries outlive users
    username = models.CharField(max_length=150, blank=True)
    agency_id = models.UUIDField(null=True, blank=True)
    action = models.CharField(max_length=16, choices=Action.choices)
    record_type = models.CharField(max_length=60)
    record_id = models.CharField(max_length=64, blank=True)
    client_id = models.UUIDField(null=True, blank=True, db_index=True)
    fields = models.JSONField(default=list, blank=True)
    purpose = models.CharField(max_length=200, blank=True)
    via = models.CharField(max_length=16, blank=True, help_text="page, api or command")

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "audit entries"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise PermissionError("the audit log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise PermissionError("the audit log is append-only")


class LoginAttempt(models.Model):
    """One sign-in attempt, by the name typed and the address it came from: the memory of the
    login throttle. Kept in the database so every worker process sees the same count; rows older
    than a day are pruned."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    # lower-cased as typed, so "Amal" and "amal" share one count; may name no user at all
    username = models.CharField(max_length=150)
    address = models.GenericIPAddressField(null=True, blank=True)
    succeeded = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(fields=["username", "at"], name="loginattempt_username_at"),
            models.Index(fields=["address", "at"], name="loginattempt_address_at"),
        ]

    def __str__(self) -> str:
        return f"{self.username} from {self.address} at {self.at:%Y-%m-%d %H:%M}"


class ApiToken(models.Model):
    """A bearer token for the staff API. Only its SHA-256 digest is kept; the token itself is shown
    once, when it is issued. The first characters (`prefix`) find the row; the digest proves it."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    prefix = models.CharField(max_length=12, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    def is_usable(self, now: datetime.datetime) -> bool:
        return self.revoked_at is None and now < self.expires_at
