"""Every change to a client, her consents and her referrals, each in one transaction with its audit entry.

Views, the API, management commands and tests all come through here.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from welcoming.accounts.actors import Actor
from welcoming.accounts.audit import audit
from welcoming.accounts.models import Agency, AuditEntry, Role
from welcoming.cases import codes, selectors
from welcoming.cases.models import (
    Client,
    ClientSerial,
    Consent,
    Document,
    Household,
    NameKey,
    NeedsAssessment,
    Note,
    Referral,
    ReferralEvent,
    Task,
    Urgency,
)
from welcoming.directory.needs import NEED_SLUGS
from welcoming.lib import names
from welcoming.places.models import Area, Jurisdiction


class NotAllowed(Exception):
    """The actor may see the record but not make this change (a 403, with the reason)."""


class Invalid(Exception):
    """The change does not make sense (a 400, with what and where)."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclass
class Person:
    """What is known of a person when she is registered. Everything but a given name is optional."""

    given_name: str
    family_name: str = ""
    given_name_latin: str = ""
    family_name_latin: str = ""
    birth_date: dt.date | None = None
    birth_year: int | None = None
    birth_year_approximate: bool = False
    gender: str = ""
    languages: list[str] = field(default_factory=list)
    interpreter_needed: bool = False
    phone: str = ""
    email: str = ""
    preferred_channel: str = ""
    area_id: int | None = None  # her neighbourhood, an Area of the client's jurisdiction

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if not self.given_name.strip():
            errors["given_name"] = "required"
        this_year = timezone.localdate().year
        if self.birth_date is not None:
            if not dt.date(this_year - 120, 1, 1) <= self.birth_date <= timezone.localdate():
                errors["birth_date"] = "must be a real date in the past"
            self.birth_year = self.birth_date.year
        if self.birth_year is not None and not this_year - 120 <= self.birth_year <= this_year:
            errors["birth_year"] = f"must be between {this_year - 120} and {this_year}"
        if self.preferred_channel and self.preferred_channel not in Client.Channel.values:
            errors["preferred_channel"] = f"must be one of {', '.join(Client.Channel.values)}"
        if self.phone and len(names.phone_digits(self.phone)) < 6:
            errors["phone"] = "needs at least six digits"
        if errors:
            raise Invalid(errors)
        self.given_name_latin = self.given_name_latin or names.to_latin(self.given_name)
        self.family_name_latin = self.family_name_latin or names.to_latin(self.family_name)


PERSON_FIELDS = tuple(Person.__dataclass_fields__)


def _apply(client: Client, person: Person) -> list[str]:
    if (
        person.area_id is not None
        and not Area.objects.filter(pk=person.area_id, jurisdiction=client.jurisdiction_id).exists()
    ):
        raise Invalid({"area_id": "not a neighbourhood of this city"})
    changed = []
    for name in PERSON_FIELDS:
        value = getattr(person, name)
        if getattr(client, name) != value:
            setattr(client, name, value)
            changed.append(name)
    client.phone_index = selectors.phone_index(client.phone) if client.phone else ""
    return changed


def _index_names(client: Client) -> None:
    keys = names.name_keys(client.given_name, client.family_name, client.given_name_latin, client.family_name_latin)
    NameKey.objects.filter(client=client).delete()
    NameKey.objects.bulk_create([NameKey(client=client, key=selectors.name_key_index(key)) for key in sorted(keys)])


def _next_code(jurisdiction: Jurisdiction) -> str:
    year = timezone.localdate().year % 100
    prefix = jurisdiction.client_prefix or jurisdiction.code[:3].upper()
    # select_for_update serialises concurrent registrations on PostgreSQL; SQLite writes one at a time
    serial, _ = ClientSerial.objects.select_for_update().get_or_create(jurisdiction=jurisdiction, year=year)
    serial.last += 1
    serial.save(update_fields=["last"])
    return codes.client_code(prefix, year, serial.last)


def _require(actor: Actor, condition: bool, reason: str) -> None:
    if not condition:
        raise NotAllowed(reason)


def _consent(client: Client, purpose: str, method: str, actor: Actor | None, agency: Agency | None = None) -> Consent:
    return Consent.objects.create(
        client=client,
        purpose=purpose,
        agency=agency,
        method=method,
        given_at=timezone.now(),
        recorded_by=actor.user if actor else None,
        recorded_by_agency_id=actor.primary_agency_id if actor else None,
    )


@transaction.atomic
def client_register(
    *,
    actor: Actor,
    person: Person,
    consent_method: str,
    household: Household | None = None,
    relationship: str = "",
    submission: str = "",
) -> Client:
    """A worker registers her, with her consent to keep a record (required: no consent, no record).
    She gets a client code at once, and the worker's agency and the worker as caseworker.
    The same `submission` (the API's Idempotency-Key, made the user's own) gives the same record."""
    _require(actor, actor.works_with_clients and bool(actor.agency_ids), "only agency staff register clients")
    if submission:
        earlier = Client.objects.filter(jurisdiction=actor.jurisdiction, submission=submission).first()
        if earlier is not None:
            return earlier
    if consent_method not in Consent.Method.values:
        raise Invalid({"consent_method": "her consent to keep a record is required: verbal, written or online"})
    person.clean()
    client = Client(
        jurisdiction=actor.jurisdiction,
        state=Client.State.ACTIVE,
        agency_id=actor.primary_agency_id,
        caseworker=actor.user if Role.CASEWORKER in actor.roles else None,
        household=household,
        relationship=relationship or Client.Relationship.HEAD,
        verified_at=timezone.now(),
        submission=submission or None,
    )
    changed = _apply(client, person)
    client.code = _next_code(actor.jurisdiction)
    client.save()
    _index_names(client)
    _consent(client, Consent.Purpose.REGISTRATION, consent_method, actor)
    selectors.audit_client(actor, AuditEntry.Action.CREATE, client, changed, "registration")
    return client


@transaction.atomic
def self_register(
    *, jurisdiction: Jurisdiction, person: Person, sms: bool = False, statistics: bool = False, submission: str = ""
) -> Client:
    """She registers herself on the portal: a pending record and a reference to show at the counter.
    The same submission (a double tap, a resend on a bad connection) gives the same record."""
    if submission:
        earlier = Client.objects.filter(jurisdiction=jurisdiction, submission=submission).first()
        if earlier is not None:
            return earlier
    person.clean()
    client = Client(jurisdiction=jurisdiction, state=Client.State.PENDING, submission=submission or None)
    changed = _apply(client, person)
    for _attempt in range(5):
        client.reference = codes.new_reference()
        try:
            with transaction.atomic():
                client.save()
            break
        except IntegrityError:
            if submission:
                # two taps raced: the other one saved first, and its record is hers
                earlier = Client.objects.filter(jurisdiction=jurisdiction, submission=submission).first()
                if earlier is not None:
                    return earlier
            client.pk = None  # a clash of references: draw another
            client.id = Client._meta.get_field("id").get_default()
    _index_names(client)
    _consent(client, Consent.Purpose.REGISTRATION, Consent.Method.ONLINE, None)
    if sms:
        _consent(client, Consent.Purpose.SMS, Consent.Method.ONLINE, None)
    if statistics:
        _consent(client, Consent.Purpose.STATISTICS, Consent.Method.ONLINE, None)
    AuditEntry.objects.create(
        action=AuditEntry.Action.CREATE,
        record_type="cases.client",
        record_id=str(client.pk),
        client_id=client.pk,
        fields=changed,
        purpose="self-registration",
        via="portal",
    )
    return client


@transaction.atomic
def client_verify(*, actor: Actor, client: Client, person: Person | None = None) -> Client:
    """A worker checks her self-registration with her at the counter: the record becomes active,
    gets its client code, and is the worker's."""
    _require(actor, actor.works_with_clients and bool(actor.agency_ids), "only agency staff verify registrations")
    client = Client.objects.select_for_update().get(pk=client.pk)
    if client.state != Client.State.PENDING:
        raise Invalid({"state": "this registration was already verified"})
    changed: list[str] = []
    if person is not None:
        person.clean()
        changed = _apply(client, person)
        _index_names(client)
    client.state = Client.State.ACTIVE
    client.code = _next_code(client.jurisdiction)
    client.agency_id = actor.primary_agency_id
    client.caseworker = actor.user if Role.CASEWORKER in actor.roles else None
    client.verified_at = timezone.now()
    client.save()
    selectors.audit_client(
        actor, AuditEntry.Action.UPDATE, client, [*changed, "state", "code"], "verify a self-registration"
    )
    return client


def _full_access(actor: Actor, client: Client) -> None:
    """NotFound when she is not the actor's to see; NotAllowed when only partly (through a referral)."""
    if not selectors.access_to(actor, client).full:
        raise NotAllowed("only the agency that holds her record can change it")


@transaction.atomic
def client_update(*, actor: Actor, client: Client, person: Person) -> Client:
    _full_access(actor, client)
    person.clean()
    changed = _apply(client, person)
    if changed:
        client.save()
        _index_names(client)
        selectors.audit_client(actor, AuditEntry.Action.UPDATE, client, changed, "update")
    return client


@transaction.atomic
def client_assign(*, actor: Actor, client: Client, caseworker_id: int | None) -> Client:
    """A manager gives the case to one of the agency's caseworkers."""
    _require(actor, actor.sees_whole_jurisdiction or actor.manages(client.agency_id), "only a manager assigns cases")
    if caseworker_id is not None and not client.agency_id:
        raise Invalid({"caseworker": "the client has no agency yet"})
    if (
        caseworker_id is not None
        and not client.agency.memberships.filter(  # type: ignore[union-attr]
            user_id=caseworker_id, role=Role.CASEWORKER
        ).exists()
    ):
        raise Invalid({"caseworker": "not a caseworker of this agency"})
    client.caseworker_id = caseworker_id
    client.save(update_fields=["caseworker", "updated_at"])
    selectors.audit_client(actor, AuditEntry.Action.UPDATE, client, ["caseworker"], "assign")
    return client


@transaction.atomic
def consent_record(*, actor: Actor, client: Client, purpose: str, method: str, agency: Agency | None = None) -> Consent:
    _full_access(actor, client)
    errors = {}
    if purpose not in Consent.Purpose.values:
        errors["purpose"] = f"must be one of {', '.join(Consent.Purpose.values)}"
    if method not in Consent.Method.values:
        errors["method"] = f"must be one of {', '.join(Consent.Method.values)}"
    if purpose == Consent.Purpose.SHARING and (agency is None or agency.jurisdiction_id != client.jurisdiction_id):
        errors["agency"] = "consent to share names the agency it is shared with"
    if errors:
        raise Invalid(errors)
    consent = _consent(client, purpose, method, actor, agency if purpose == Consent.Purpose.SHARING else None)
    selectors.audit_client(actor, AuditEntry.Action.UPDATE, client, ["consents"], f"consent: {purpose}")
    return consent


@transaction.atomic
def consent_withdraw(*, actor: Actor, consent: Consent) -> Consent:
    """Her consent ends now. Withdrawing consent to share with an agency ends that agency's access
    at once (the scope checks it on every read) and withdraws the referrals not yet answered."""
    _full_access(actor, consent.client)
    if consent.withdrawn_at is None:
        consent.withdrawn_at = timezone.now()
        consent.withdrawn_by = actor.user
        consent.save(update_fields=["withdrawn_at", "withdrawn_by"])
        if consent.purpose == Consent.Purpose.SHARING:
            for referral in consent.client.referrals.filter(to_agency=consent.agency, state=Referral.State.SENT):
                _move(referral, Referral.State.WITHDRAWN, actor)
        selectors.audit_client(
            actor, AuditEntry.Action.UPDATE, consent.client, ["consents"], f"withdraw: {consent.purpose}"
        )
    return consent


@transaction.atomic
def assessment_record(
    *, actor: Actor, client: Client, needs: list[str], urgency: str, notes: str = ""
) -> NeedsAssessment:
    _full_access(actor, client)
    errors = {}
    unknown = [n for n in needs if n not in NEED_SLUGS]
    if not needs or unknown:
        errors["needs"] = f"choose among {', '.join(NEED_SLUGS)}" + (f" (not {', '.join(unknown)})" if unknown else "")
    if urgency not in Urgency.values:
        errors["urgency"] = f"must be one of {', '.join(Urgency.values)}"
    if errors:
        raise Invalid(errors)
    assessment = NeedsAssessment.objects.create(
        client=client,
        agency_id=actor.primary_agency_id,
        needs=list(dict.fromkeys(needs)),
        urgency=urgency,
        notes=notes,
        assessed_by=actor.user,
    )
    selectors.audit_client(actor, AuditEntry.Action.CREATE, client, ["assessments"], "needs assessment")
    return assessment


@transaction.atomic
def household_add(*, actor: Actor, head: Client, person: Person, relationship: str, consent_method: str) -> Client:
    """Register a member of her household (a child, a partner) beside her, with the consent given
    for that member; the household is made with its first member after her."""
    _full_access(actor, head)
    if relationship not in Client.Relationship.values or relationship == Client.Relationship.HEAD:
        choices = ", ".join(r for r in Client.Relationship.values if r != Client.Relationship.HEAD)
        raise Invalid({"relationship": f"must be one of {choices}"})
    if head.household_id is None:
        head.household = Household.objects.create(jurisdiction=head.jurisdiction)
        head.save(update_fields=["household", "updated_at"])
        selectors.audit_client(actor, AuditEntry.Action.UPDATE, head, ["household"], "household")
    return client_register(
        actor=actor, person=person, consent_method=consent_method, household=head.household, relationship=relationship
    )


# --- referrals -------------------------------------------------------------------------------

# state → states it may move to, and which side moves it
SENDER_MOVES = {
    Referral.State.DRAFT: {Referral.State.SENT, Referral.State.WITHDRAWN},
    Referral.State.SENT: {Referral.State.WITHDRAWN},
    Referral.State.ACCEPTED: {Referral.State.WITHDRAWN},
}
RECEIVER_MOVES = {
    Referral.State.SENT: {Referral.State.ACCEPTED, Referral.State.DECLINED},
    Referral.State.ACCEPTED: {Referral.State.IN_PROGRESS, Referral.State.COMPLETED, Referral.State.UNRESOLVED},
    Referral.State.IN_PROGRESS: {Referral.State.COMPLETED, Referral.State.UNRESOLVED},
}
CLOSED = {Referral.State.DECLINED, Referral.State.COMPLETED, Referral.State.UNRESOLVED, Referral.State.WITHDRAWN}


def _move(referral: Referral, to_state: str, actor: Actor) -> None:
    ReferralEvent.objects.create(referral=referral, by=actor.user, from_state=referral.state, to_state=to_state)
    referral.state = to_state
    now = timezone.now()
    if to_state == Referral.State.SENT:
        referral.sent_at = now
        referral.respond_by = timezone.localdate() + dt.timedelta(days=referral.to_agency.referral_response_days)
    elif to_state in (Referral.State.ACCEPTED, Referral.State.DECLINED):
        referral.answered_at = now
        referral.handled_by = actor.user
    if to_state in CLOSED:
        referral.closed_at = now
    referral.save()
    audit(
        actor,
        AuditEntry.Action.SHARE if to_state == Referral.State.SENT else AuditEntry.Action.UPDATE,
        record_type="cases.referral",
        record_id=referral.pk,
        client_id=referral.client_id,
        fields=list(referral.shared) if to_state == Referral.State.SENT else ["state"],
        purpose=f"referral {to_state}",
    )


def _sender_side(actor: Actor, referral: Referral) -> bool:
    return actor.sees_whole_jurisdiction or referral.from_agency_id in actor.agency_ids


def _receiver_side(actor: Actor, referral: Referral) -> bool:
    return referral.to_agency_id in actor.agency_ids and bool(actor.roles & {Role.MANAGER, Role.CASEWORKER})


@transaction.atomic
def referral_create(
    *,
    actor: Actor,
    client: Client,
    to_agency: Agency,
    shared: list[str],
    service_id: Any = None,
    message: str = "",
    send: bool = True,
    submission: str = "",
) -> Referral:
    """Refer her to another agency (and one of its services). Sending needs her valid consent to share
    with that agency; the referral carries only the parts of her record chosen here. `submission`,
    the request's one-time key, is kept on the referral so that a resend can find it."""
    _full_access(actor, client)
    errors: dict[str, str] = {}
    if to_agency.jurisdiction_id != client.jurisdiction_id:
        errors["to_agency"] = "not an agency of this city"
    elif to_agency.pk in actor.agency_ids:
        errors["to_agency"] = "this is your own agency"
    unknown = [part for part in shared if part not in Referral.SHAREABLE]
    if unknown:
        errors["shared"] = f"choose among {', '.join(Referral.SHAREABLE)} (not {', '.join(unknown)})"
    if service_id and not to_agency.organization_id:
        errors["service"] = "this agency has no services in the directory"
    elif service_id and not to_agency.organization.services.filter(pk=service_id).exists():  # type: ignore[union-attr]
        errors["service"] = "not a service of this agency"
    if errors:
        raise Invalid(errors)
    from_agency_id = client.agency_id if actor.sees_whole_jurisdiction and client.agency_id else actor.primary_agency_id
    if from_agency_id is None:
        raise Invalid({"from_agency": "a referral is sent by an agency"})
    referral = Referral.objects.create(
        client=client,
        from_agency_id=from_agency_id,
        to_agency=to_agency,
        service_id=service_id or None,
        shared=sorted(set(shared)),
        message=message,
        created_by=actor.user,
        submission=submission or None,
    )
    ReferralEvent.objects.create(referral=referral, by=actor.user, from_state="", to_state=Referral.State.DRAFT)
    if send:
        referral_send(actor=actor, referral=referral)
    return referral


@transaction.atomic
def referral_send(*, actor: Actor, referral: Referral) -> Referral:
    _require(actor, _sender_side(actor, referral), "only the referring agency sends it")
    _check_move(referral, Referral.State.SENT, SENDER_MOVES)
    if not selectors.valid_consents(referral.client, Consent.Purpose.SHARING, [referral.to_agency_id]).exists():
        raise Invalid({"consent": f"she has not consented to share her information with {referral.to_agency.name}"})
    _move(referral, Referral.State.SENT, actor)
    recipient = referral.to_agency.email
    if recipient:
        link = f"{settings.WELCOMING_BASE_URL}/staff/referrals/{referral.pk}/"
        transaction.on_commit(
            lambda: send_mail(
                subject=f"New referral from {referral.from_agency.name}",
                message=f"A new referral waits for an answer by {referral.respond_by}: {link}\n"
                "No personal information is sent by e-mail; sign in to read it.",
                from_email=None,
                recipient_list=[recipient],
            )
        )
    return referral


def _check_move(referral: Referral, to_state: str, moves: dict[Any, set[Any]]) -> None:
    if to_state not in moves.get(referral.state, set()):
        raise Invalid({"state": f"a referral that is {referral.state} cannot become {to_state}"})


@transaction.atomic
def referral_answer(
    *, actor: Actor, referral: Referral, to_state: str, reason: str = "", outcome: str = "", note: str = ""
) -> Referral:
    """The receiving agency accepts or declines (with a reason), starts, completes (with an outcome)
    or closes it unresolved."""
    referral = Referral.objects.select_for_update().select_related("to_agency", "client").get(pk=referral.pk)
    _require(actor, _receiver_side(actor, referral), "only the receiving agency answers a referral")
    _check_move(referral, to_state, RECEIVER_MOVES)
    if to_state == Referral.State.DECLINED:
        if not reason.strip():
            raise Invalid({"reason": "say why the referral is declined"})
        referral.decline_reason = reason
    if to_state in (Referral.State.COMPLETED, Referral.State.UNRESOLVED):
        if to_state == Referral.State.COMPLETED and outcome not in Referral.Outcome.values:
            raise Invalid({"outcome": f"must be one of {', '.join(Referral.Outcome.values)}"})
        referral.outcome = outcome
        referral.outcome_note = note
    _move(referral, to_state, actor)
    return referral


@transaction.atomic
def referral_withdraw(*, actor: Actor, referral: Referral) -> Referral:
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    _require(actor, _sender_side(actor, referral), "only the referring agency withdraws it")
    _check_move(referral, Referral.State.WITHDRAWN, SENDER_MOVES)
    _move(referral, Referral.State.WITHDRAWN, actor)
    return referral


# --- notes and tasks --------------------------------------------------------------------------


def _works_on(actor: Actor, client: Client) -> uuid.UUID:
    selectors.access_to(actor, client)  # NotFound when she is not theirs to see
    agency_id = actor.primary_agency_id
    if agency_id is None:
        raise NotAllowed("notes and tasks belong to an agency")
    return agency_id


@transaction.atomic
def note_add(*, actor: Actor, client: Client, text: str, shared: bool = False) -> Note:
    agency_id = _works_on(actor, client)
    if not text.strip():
        raise Invalid({"text": "write the note"})
    note = Note.objects.create(client=client, agency_id=agency_id, author=actor.user, text=text, shared=shared)
    selectors.audit_client(actor, AuditEntry.Action.CREATE, client, ["notes"], "note")
    return note


@transaction.atomic
def task_add(
    *, actor: Actor, client: Client, title: str, due: dt.date | None = None, assigned_to_id: int | None = None
) -> Task:
    agency_id = _works_on(actor, client)
    if not title.strip():
        raise Invalid({"title": "say what is to be done"})
    task = Task.objects.create(
        client=client,
        agency_id=agency_id,
        title=title,
        due=due,
        assigned_to_id=assigned_to_id or actor.user.pk,
        created_by=actor.user,
    )
    selectors.audit_client(actor, AuditEntry.Action.CREATE, client, ["tasks"], "task")
    return task


@transaction.atomic
def task_done(*, actor: Actor, task: Task) -> Task:
    _require(actor, task.agency_id in actor.agency_ids or actor.sees_whole_jurisdiction, "not your agency's task")
    if task.done_at is None:
        task.done_at = timezone.now()
        task.save(update_fields=["done_at"])
        selectors.audit_client(actor, AuditEntry.Action.UPDATE, task.client, ["tasks"], "task done")
    return task


# --- merging, erasure, subject access --------------------------------------------------------------


@transaction.atomic
def client_merge(*, actor: Actor, keep: Client, duplicate: Client) -> Client:
    """Staff decide two records are one person: everything of the duplicate moves to the record
    kept, the duplicate keeps only a pointer to it. Never automatic; both reads and the merge audited."""
    _full_access(actor, keep)
    _full_access(actor, duplicate)
    if keep.pk == duplicate.pk:
        raise Invalid({"duplicate": "a record cannot be merged into itself"})
    for related in (NeedsAssessment, Consent, Referral, Note, Task, Document):
        related.objects.filter(client=duplicate).update(client=keep)
    duplicate.applications.update(applicant=keep)  # Fair Entry
    duplicate.requests.update(client=keep)  # what she waits for from the community (matching)
    filled = []
    for name in PERSON_FIELDS:
        if not getattr(keep, name) and getattr(duplicate, name):
            setattr(keep, name, getattr(duplicate, name))
            filled.append(name)
    keep.phone_index = selectors.phone_index(keep.phone) if keep.phone else ""
    keep.save()
    _index_names(keep)
    _wipe(duplicate)
    duplicate.state = Client.State.MERGED
    duplicate.merged_into = keep
    duplicate.save()
    selectors.audit_client(actor, AuditEntry.Action.MERGE, keep, filled, f"merged {duplicate.code or duplicate.pk}")
    selectors.audit_client(actor, AuditEntry.Action.MERGE, duplicate, list(PERSON_FIELDS), f"merged into {keep.code}")
    return keep


def _wipe(client: Client) -> None:
    for name in PERSON_FIELDS:
        model_field = Client._meta.get_field(name)
        assert isinstance(model_field, models.Field)
        setattr(client, name, None if model_field.null else model_field.get_default())
    client.phone_index = ""
    client.household = None
    NameKey.objects.filter(client=client).delete()


@transaction.atomic
def client_erase(*, actor: Actor, client: Client) -> Client:
    """Her personal data goes, with no way back; what stays is anonymous: that someone had these
    needs, and what came of the referrals, for the city's statistics."""
    _full_access(actor, client)
    _require(
        actor,
        handles_rights_requests(actor, client),
        "erasure is done by the agency's manager or the city's coordinator",
    )
    _wipe(client)
    client.code = None
    client.reference = None
    client.caseworker = None
    client.area = None
    client.birth_year = None
    client.state = Client.State.ERASED
    client.save()
    NeedsAssessment.objects.filter(client=client).update(notes="")
    Referral.objects.filter(client=client).update(message="", decline_reason="", outcome_note="", shared=[])
    Note.objects.filter(client=client).delete()
    Task.objects.filter(client=client).delete()
    client.applications.all().delete()  # Fair Entry: her declared income and ages, and the decisions
    for document in Document.objects.filter(client=client):
        document.file.delete(save=False)
        document.delete()
    Consent.objects.filter(client=client).delete()
    # what she waited for stays only as a kind, its dates and what came of it; open ones leave matching
    from welcoming.matching.models import CheckIn, Request  # matching builds on cases, not the reverse

    requests = Request.objects.filter(client=client)
    requests.filter(state=Request.State.OPEN).update(state=Request.State.CLOSED, closed_at=timezone.now())
    requests.update(
        monthly_income="", note="", children=[], languages=[], items={}, profession="", school_area=None, work_area=None
    )
    Request.areas.through.objects.filter(request__client=client).delete()
    CheckIn.objects.filter(allocation__request__client=client).update(note="")
    selectors.audit_client(actor, AuditEntry.Action.ERASE, client, list(PERSON_FIELDS), "erasure on request")
    return client


@transaction.atomic
def subject_access_export(*, actor: Actor, client: Client) -> dict[str, Any]:
    """Everything held about her, in one document she can take away; answered, like erasure, by her
    agency's manager or the city's coordinator."""
    _full_access(actor, client)
    _require(
        actor,
        handles_rights_requests(actor, client),
        "a subject-access request is answered by the agency's manager or the city's coordinator",
    )
    selectors.audit_client(actor, AuditEntry.Action.EXPORT, client, list(PERSON_FIELDS), "subject access request")
    return {
        "client": {
            "code": client.code,
            "reference": client.reference,
            "state": client.state,
            "agency": client.agency.name if client.agency else None,
            **{name: _plain(getattr(client, name)) for name in PERSON_FIELDS},
            "area": client.area.code if client.area else None,
            "household": [
                {"code": member.code, "relationship": member.relationship}
                for member in (client.household.members.exclude(pk=client.pk) if client.household else [])
            ],
            "created_at": client.created_at.isoformat(),
        },
        "consents": [
            {
                "purpose": c.purpose,
                "agency": c.agency.name if c.agency else None,
                "method": c.method,
                "given_at": c.given_at.isoformat(),
                "withdrawn_at": c.withdrawn_at.isoformat() if c.withdrawn_at else None,
            }
            for c in client.consents.select_related("agency")
        ],
        "assessments": [
            {"needs": a.needs, "urgency": a.urgency, "notes": a.notes, "at": a.assessed_at.isoformat()}
            for a in client.assessments.all()
        ],
        "referrals": [
            {
                "from": r.from_agency.name,
                "to": r.to_agency.name,
                "state": r.state,
                "shared": r.shared,
                "message": r.message,
                "outcome": r.outcome,
                "created_at": r.created_at.isoformat(),
            }
            for r in client.referrals.select_related("from_agency", "to_agency")
        ],
        "notes": [
            {"agency": n.agency.name, "text": n.text, "shared": n.shared, "at": n.created_at.isoformat()}
            for n in client.notes.select_related("agency")
        ],
        "applications": [
            {
                "submitted_at": a.submitted_at.isoformat(),
                "household_size": a.household_size,
                "annual_income": a.annual_income,
                "lives_here": a.lives_here,
                "decisions": [
                    {
                        "programme": d.programme.slug,
                        "state": d.state,
                        "reason": d.reason,
                        "valid_until": _plain(d.valid_until),
                    }
                    for d in a.decisions.select_related("programme")
                ],
            }
            for a in client.applications.all()
        ],
        "requests": [
            {
                "kind": r.kind,
                "state": r.state,
                "waiting_since": r.waiting_since.isoformat(),
                "adults": r.adults,
                "children": r.children,
                "monthly_income": r.monthly_income,
                "step_free": r.step_free,
                "pets": r.pets,
                "max_rent": _plain(r.max_rent),
                "languages": r.languages,
                "items": r.items,
                "profession": r.profession,
                "sector": r.sector,
                "skills": r.skills,
                "note": r.note,
                "placements": [
                    {
                        "offer": a.offer.title,
                        "units": a.units,
                        "item": a.item,
                        "at": a.created_at.isoformat(),
                        "ended_at": _plain(a.ended_at),
                        "check_ins": [
                            {"due_on": c.due_on.isoformat(), "outcome": c.outcome, "note": c.note}
                            for c in a.check_ins.all()
                        ],
                    }
                    for a in r.allocations.all()
                ],
            }
            for r in client.requests.prefetch_related("allocations__offer", "allocations__check_ins")
        ],
        "access_log": [
            {"at": e.at.isoformat(), "who": e.username, "action": e.action, "fields": e.fields, "purpose": e.purpose}
            for e in AuditEntry.objects.filter(client_id=client.pk).order_by("at", "id")
        ],
    }


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    return value.isoformat() if isinstance(value, dt.date) else value


# --- for the staff pages: forms kept once, rights requests, what each side of a referral may do ------

OPEN_REFERRAL = (Referral.State.DRAFT, Referral.State.SENT, Referral.State.ACCEPTED, Referral.State.IN_PROGRESS)
# a form sent again within this time with the same content is the same form (a double click, a resend)
RESENT_WITHIN = dt.timedelta(minutes=10)


def _lock(client: Client) -> None:
    """Serialise the writes about one client (PostgreSQL; SQLite already writes one at a time), so that
    two copies of one form cannot both pass the check for an earlier copy."""
    Client.objects.select_for_update().filter(pk=client.pk).first()


def client_register_once(
    *,
    actor: Actor,
    person: Person,
    consent_method: str,
    submission: str,
    household_of: Client | None = None,
    relationship: str = "",
    also: Iterable[str] = (),
) -> tuple[Client, bool]:
    """Register her from a form that may arrive twice: the same `submission` (the form's one-time key)
    gives the same record, and False. With `household_of`, she joins that client's household
    (`household_add`); `also` are the other purposes she consents to now (SMS, statistics)."""
    extra = [purpose for purpose in also if purpose in (Consent.Purpose.SMS, Consent.Purpose.STATISTICS)]
    try:
        with transaction.atomic():
            if submission:
                earlier = Client.objects.filter(jurisdiction=actor.jurisdiction, submission=submission).first()
                if earlier is not None:
                    return earlier, False
            if household_of is not None:
                client = household_add(
                    actor=actor,
                    head=household_of,
                    person=person,
                    relationship=relationship,
                    consent_method=consent_method,
                )
                if submission:
                    client.submission = submission
                    client.save(update_fields=["submission"])
            else:
                client = client_register(
                    actor=actor, person=person, consent_method=consent_method, submission=submission
                )
            for purpose in extra:
                consent_record(actor=actor, client=client, purpose=purpose, method=consent_method)
    except IntegrityError:
        # the other copy saved first (PostgreSQL, concurrent): its record is hers
        earlier = Client.objects.filter(jurisdiction=actor.jurisdiction, submission=submission).first()
        if not submission or earlier is None:
            raise
        return earlier, False
    return client, True


@transaction.atomic
def referral_create_once(
    *,
    actor: Actor,
    client: Client,
    to_agency: Agency,
    shared: list[str],
    service_id: Any = None,
    message: str = "",
    consent_method: str = "",
) -> tuple[Referral, bool]:
    """`referral_create` from a form: while a referral of hers to the same agency and service is
    still open, that one is given back (and False) rather than a second. With `consent_method`, her
    consent to share with that agency, given just now, is recorded first."""
    _lock(client)
    _full_access(actor, client)
    open_ones = Referral.objects.filter(
        client=client, to_agency=to_agency, service__isnull=not service_id, state__in=OPEN_REFERRAL
    )
    if service_id:
        open_ones = open_ones.filter(service_id=str(service_id))
    earlier = open_ones.first()
    if earlier is not None:
        return earlier, False
    if consent_method and not selectors.valid_consents(client, Consent.Purpose.SHARING, [to_agency.pk]).exists():
        consent_record(
            actor=actor, client=client, purpose=Consent.Purpose.SHARING, method=consent_method, agency=to_agency
        )
    referral = referral_create(
        actor=actor, client=client, to_agency=to_agency, shared=shared, service_id=service_id, message=message
    )
    return referral, True


@transaction.atomic
def note_add_once(*, actor: Actor, client: Client, text: str, shared: bool = False) -> tuple[Note, bool]:
    """`note_add` from a form: the same note by the same author on her record a moment ago is kept once."""
    _lock(client)
    recent = Note.objects.filter(client=client, author=actor.user, created_at__gte=timezone.now() - RESENT_WITHIN)
    for note in recent:
        if note.text == text and note.shared == shared:
            return note, False
    return note_add(actor=actor, client=client, text=text, shared=shared), True


@transaction.atomic
def task_add_once(*, actor: Actor, client: Client, title: str, due: dt.date | None = None) -> tuple[Task, bool]:
    """`task_add` from a form: the same task added by the same worker a moment ago is kept once."""
    _lock(client)
    recent = Task.objects.filter(
        client=client, created_by=actor.user, due=due, created_at__gte=timezone.now() - RESENT_WITHIN
    )
    for task in recent:
        if task.title == title:
            return task, False
    return task_add(actor=actor, client=client, title=title, due=due), True


def handles_rights_requests(actor: Actor, client: Client) -> bool:
    """Erasure and subject-access requests are answered by her agency's manager or the city's
    coordinator (a caseworker passes them on), as `client_erase` requires."""
    return actor.sees_whole_jurisdiction or actor.manages(client.agency_id)


def referral_moves(actor: Actor, referral: Referral) -> set[str]:
    """The states the actor may move this referral to now, from her side of it."""
    moves: set[str] = set()
    if _receiver_side(actor, referral):
        moves |= RECEIVER_MOVES.get(referral.state, set())  # type: ignore[call-overload]
    if _sender_side(actor, referral):
        moves |= SENDER_MOVES.get(referral.state, set())  # type: ignore[call-overload]
    return moves


def assigns_cases(actor: Actor, client: Client) -> bool:
    """Who may give her case to a caseworker, as `client_assign` requires."""
    return actor.sees_whole_jurisdiction or actor.manages(client.agency_id)
