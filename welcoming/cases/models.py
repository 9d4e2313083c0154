"""Clients, their households, consents, needs, referrals between agencies, notes and tasks.

There is no field for immigration status, nationality, papers or any of their proxies, and
`tests/test_no_status_fields.py` keeps it so. Names, contact details, dates of birth and free
text are encrypted at rest (`lib/fields.py`); names and phones are found through blind indexes.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils.translation import gettext_lazy as _

from welcoming.accounts.models import Agency, User
from welcoming.cases import eligibility
from welcoming.directory.needs import NEED_SLUGS
from welcoming.lib.fields import EncryptedDateField, EncryptedTextField
from welcoming.lib.models import Translatable
from welcoming.places.models import Area, Jurisdiction


def private_storage() -> FileSystemStorage:
    """Uploads live under PRIVATE_MEDIA_ROOT, which no URL serves: staff download through a view."""
    return FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT, base_url=None)


def document_path(instance: Document, filename: str) -> str:
    # never the uploaded name: it may say who she is, or try to climb out of the folder
    suffix = Path(filename).suffix.lower()[:8]
    return f"documents/{instance.client_id}/{instance.id}{suffix}"


class Household(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="households")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"household {self.id}"


class Client(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for verification")
        ACTIVE = "active", _("Active")
        MERGED = "merged", _("Merged into another record")
        ERASED = "erased", _("Erased on request")

    class Relationship(models.TextChoices):
        HEAD = "head", _("Main contact")
        PARTNER = "partner", _("Partner")
        CHILD = "child", _("Child")
        PARENT = "parent", _("Parent")
        SIBLING = "sibling", _("Brother or sister")
        RELATIVE = "relative", _("Other relative")
        OTHER = "other", _("Other")

    class Channel(models.TextChoices):
        PHONE = "phone", _("Phone call")
        SMS = "sms", _("Text message")
        EMAIL = "email", _("E-mail")
        IN_PERSON = "in-person", _("In person only")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="clients")
    code = models.CharField(max_length=20, unique=True, null=True, blank=True)
    reference = models.CharField(
        max_length=12, unique=True, null=True, blank=True, help_text="Given to her when she registers herself."
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.ACTIVE)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="clients")
    caseworker = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="caseload")
    household = models.ForeignKey(Household, on_delete=models.SET_NULL, null=True, blank=True, related_name="members")
    relationship = models.CharField(max_length=10, choices=Relationship.choices, default=Relationship.HEAD)

    given_name = EncryptedTextField(help_text="In her own script.")
    family_name = EncryptedTextField(blank=True)
    given_name_latin = EncryptedTextField(blank=True)
    family_name_latin = EncryptedTextField(blank=True)
    birth_date = EncryptedDateField(null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField(null=True, blank=True)
    birth_year_approximate = models.BooleanField(default=False)
    gender = EncryptedTextField(blank=True, help_text="As she describes it; optional.")
    languages = models.JSONField(default=list, blank=True, help_text="Language codes, hers first.")
    interpreter_needed = models.BooleanField(default=False)
    phone = EncryptedTextField(blank=True)
    phone_index = models.CharField(max_length=24, blank=True, db_index=True)
    email = EncryptedTextField(blank=True)
    preferred_channel = models.CharField(max_length=10, choices=Channel.choices, blank=True)
    area = models.ForeignKey(Area, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    submission = models.CharField(
        max_length=64,
        unique=True,
        null=True,
        blank=True,
        help_text="The portal form's one-time key: a resend is kept once.",
    )
    merged_into = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    verified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.code or self.reference or str(self.id)


class NameKey(models.Model):
    """A blind index of one sound skeleton of a client's names (`lib/names.py`)."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="name_keys")
    key = models.CharField(max_length=24, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client", "key"], name="name_key_unique")]


class ClientSerial(models.Model):
    """The last serial number given in a jurisdiction in a year, for client codes."""

    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["jurisdiction", "year"], name="client_serial_unique")]


class Urgency(models.TextChoices):
    TODAY = "today", _("Today")
    THIS_WEEK = "week", _("This week")
    LATER = "later", _("Can wait")


class NeedsAssessment(models.Model):
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="assessments")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    needs = models.JSONField(default=list, help_text=f"Need slugs among {', '.join(NEED_SLUGS)}.")
    urgency = models.CharField(max_length=8, choices=Urgency.choices, default=Urgency.THIS_WEEK)
    notes = EncryptedTextField(blank=True)
    assessed_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    assessed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-assessed_at"]


class Consent(models.Model):
    """Her consent for one purpose, as in ISO/IEC TS 27560: what for, given to whom, when, how;
    and its withdrawal. Sharing with an agency is a separate consent per agency."""

    class Purpose(models.TextChoices):
        REGISTRATION = "registration", _("Keeping a record to help her")
        SHARING = "sharing", _("Sharing with a named agency for a referral")
        SMS = "sms", _("Contact by text message")
        STATISTICS = "statistics", _("Anonymous statistics")

    class Method(models.TextChoices):
        VERBAL = "verbal", _("Said aloud")
        WRITTEN = "written", _("Signed on paper")
        ONLINE = "online", _("Given online")

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(max_length=12, choices=Purpose.choices)
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+", help_text="For sharing: with whom."
    )
    method = models.CharField(max_length=8, choices=Method.choices)
    given_at = models.DateTimeField()
    recorded_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    recorded_by_agency = models.ForeignKey(Agency, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-given_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(purpose="sharing") | models.Q(agency__isnull=False), name="sharing_names_agency"
            )
        ]

    @property
    def valid(self) -> bool:
        return self.withdrawn_at is None


class Referral(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENT = "sent", _("Sent")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        IN_PROGRESS = "in-progress", _("In progress")
        COMPLETED = "completed", _("Completed")
        UNRESOLVED = "unresolved", _("Closed unresolved")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Outcome(models.TextChoices):
        SERVED = "served", _("Got the help")
        PARTLY = "partly", _("Got part of the help")
        NOT_ELIGIBLE = "not-eligible", _("Not eligible")
        NO_SHOW = "no-show", _("Did not come")
        OTHER = "other", _("Other")

    # what the sender may choose to share with the receiving agency
    SHAREABLE = ("name", "contact", "languages", "household", "needs", "birth")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="referrals")
    from_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="referrals_sent")
    to_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="referrals_received")
    service = models.ForeignKey(
        "directory.Service", on_delete=models.SET_NULL, null=True, blank=True, related_name="referrals"
    )
    state = models.CharField(max_length=12, choices=State.choices, default=State.DRAFT)
    shared = models.JSONField(default=list, help_text=f"Among {', '.join(SHAREABLE)}.")
    message = EncryptedTextField(blank=True, help_text="To the receiving agency.")
    respond_by = models.DateField(null=True, blank=True)
    decline_reason = EncryptedTextField(blank=True)
    outcome = models.CharField(max_length=12, choices=Outcome.choices, blank=True)
    outcome_note = EncryptedTextField(blank=True)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    handled_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    submission = models.CharField(
        max_length=64, unique=True, null=True, blank=True, help_text="The request's one-time key: kept once."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"referral {self.id}"


class ReferralEvent(models.Model):
    """Each change of a referral's state, for its history."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    from_state = models.CharField(max_length=12, blank=True)
    to_state = models.CharField(max_length=12)

    class Meta:
        ordering = ["at", "id"]


class Note(models.Model):
    """A note on a client: internal to the author's agency, or shared with every agency that works
    with her."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="notes")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    text = EncryptedTextField()
    shared = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]


class Task(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="tasks")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    title = EncryptedTextField()
    assigned_to = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="tasks")
    due = models.DateField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["done_at", "due", "created_at"]


class Document(models.Model):
    """A file about a client (income evidence, a letter), stored outside the web root and served only
    to staff who may see her, each download audited."""

    class Kind(models.TextChoices):
        INCOME = "income", _("Proof of income")
        ADDRESS = "address", _("Proof of address")
        LETTER = "letter", _("Letter")
        OTHER = "other", _("Other")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="documents")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.OTHER)
    file = models.FileField(storage=private_storage, upload_to=document_path)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at"]


# --- Fair Entry: one application for every city programme --------------------------------------


class Programme(Translatable):
    """A city programme (a low-income transit pass, a fee subsidy) and its eligibility rules, as data.

    The rules are weighed by `eligibility.py`; name and description are in the jurisdiction's
    language, with translations beside them."""

    class AgeOf(models.TextChoices):
        APPLICANT = "applicant", _("The applicant")
        ANY_MEMBER = "member", _("At least one member of the household")

    translated_fields = ("name", "description")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.CASCADE, related_name="programmes")
    slug = models.SlugField(max_length=60)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True, help_text="One or two plain sentences: what she gets.")
    income_limits = models.JSONField(
        default=list,
        help_text="Yearly income limits by household size, from one person: e.g. [26000, 34000, 41000, 49000].",
    )
    each_additional = models.PositiveIntegerField(
        default=0, help_text="Added to the last limit for each person beyond the table."
    )
    must_live_here = models.BooleanField(default=True, help_text="Only for households living in the jurisdiction.")
    age_min = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Youngest age of the band (included).")
    age_max = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Oldest age of the band (included).")
    age_of = models.CharField(
        max_length=10, choices=AgeOf.choices, default=AgeOf.APPLICANT, help_text="Whose age the band is about."
    )
    renewal_months = models.PositiveSmallIntegerField(default=12, help_text="How long an approval lasts.")
    active = models.BooleanField(default=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "slug"]
        constraints = [models.UniqueConstraint(fields=["jurisdiction", "slug"], name="programme_slug_unique")]

    def __str__(self) -> str:
        return self.name

    def source_language(self) -> str:
        return self.jurisdiction.default_language

    def rules(self) -> eligibility.Rules:
        return eligibility.Rules(
            key=self.slug,
            income_limits=tuple(int(limit) for limit in self.income_limits or ()),
            each_additional=self.each_additional,
            must_live_here=self.must_live_here,
            age_min=self.age_min,
            age_max=self.age_max,
            age_of=eligibility.AgeOf(self.age_of),
        )

    def clean(self) -> None:
        if not isinstance(self.income_limits, list) or not all(
            isinstance(limit, int) and not isinstance(limit, bool) for limit in self.income_limits
        ):
            raise ValidationError({"income_limits": "a list of whole numbers, e.g. [26000, 34000]"})
        wrong = eligibility.rule_problems(self.rules())
        if wrong:
            raise ValidationError("; ".join(wrong))


class Application(models.Model):
    """One household's application for every active programme at once, with what it declared.

    A household has one current application: a later one is its renewal (`renewal_of`)."""

    class State(models.TextChoices):
        WAITING = "waiting", _("Waiting for decisions")
        DECIDED = "decided", _("Decided")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="+")
    applicant = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="applications")
    household = models.ForeignKey(
        Household, on_delete=models.SET_NULL, null=True, blank=True, related_name="applications"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    household_size = models.PositiveSmallIntegerField()
    annual_income = models.PositiveIntegerField(help_text="The household's yearly income, declared.")
    lives_here = models.BooleanField(help_text="The household lives in the jurisdiction.")
    applicant_age = models.PositiveSmallIntegerField(null=True, blank=True)
    other_ages = models.JSONField(default=list, blank=True, help_text="The ages known of the other members.")
    state = models.CharField(max_length=8, choices=State.choices, default=State.WAITING)
    renewal_of = models.OneToOneField("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="renewal")
    documents = models.ManyToManyField(Document, blank=True, related_name="applications")
    submission = models.CharField(
        max_length=64, unique=True, null=True, blank=True, help_text="The form's one-time key: a resend is kept once."
    )
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    submitted_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["submitted_at"]

    def __str__(self) -> str:
        return f"application {self.id}"

    def household_facts(self) -> eligibility.Household:
        return eligibility.Household(
            size=self.household_size,
            income=self.annual_income,
            lives_here=self.lives_here,
            applicant_age=self.applicant_age,
            other_ages=tuple(int(age) for age in self.other_ages or ()),
        )


class Decision(models.Model):
    """What one programme says to one application: the rules' proposal with its reasons, then the
    staff's approval (with a renewal date) or denial (with a reason)."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for a decision")
        APPROVED = "approved", _("Approved")
        DENIED = "denied", _("Denied")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="decisions")
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="decisions")
    proposed = models.CharField(max_length=12, choices=[(o.value, o.value) for o in eligibility.Outcome])
    reasons = models.JSONField(default=list, help_text="The rules' reasons, with their numbers.")
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    reason = EncryptedTextField(blank=True, help_text="The staff's reason; required for a denial.")
    decided_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    valid_until = models.DateField(null=True, blank=True, help_text="When an approval is to be renewed.")

    class Meta:
        ordering = ["programme__order", "programme__slug"]
        constraints = [
            models.UniqueConstraint(fields=["application", "programme"], name="decision_once_per_programme"),
            models.CheckConstraint(
                condition=~models.Q(state="approved") | models.Q(valid_until__isnull=False),
                name="approval_has_renewal_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme} · {self.state}"
