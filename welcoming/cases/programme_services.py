"""Fair Entry: a household applies once for every city programme; staff decide each; approvals
are renewed. Also the uploads of evidence, the city's export of decisions, and the demo programmes.

Each change runs in one transaction with its audit entry. Who does what: the staff who hold her
whole record (her caseworker, her agency's manager, the city's coordinator) submit and renew her
application and upload evidence; the city's coordinator approves or denies, as the programmes are
the city's.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from welcoming.accounts.actors import Actor
from welcoming.accounts.audit import audit, audit_many
from welcoming.accounts.models import AuditEntry
from welcoming.cases import eligibility, uploads
from welcoming.cases.models import Application, Client, Decision, Document, Programme
from welcoming.cases.programme_selectors import active_programmes
from welcoming.cases.selectors import LIVE, NotFound, clients_in_full_scope
from welcoming.cases.services import Invalid, NotAllowed
from welcoming.lib.spreadsheet import csv_text
from welcoming.places.models import Jurisdiction

DEMO_FILE = Path(__file__).resolve().parent / "demo" / "programmes.yaml"


@dataclass(frozen=True)
class Declared:
    """What the household declares. Ages left as None are taken from the records: the applicant's
    from her date or year of birth, the others' from the registered members of her household."""

    household_size: int
    annual_income: int
    lives_here: bool
    applicant_age: int | None = None
    other_ages: tuple[int, ...] | None = None


def _audit_application(actor: Actor, action: str, application: Application, fields: list[str], purpose: str) -> None:
    audit(
        actor,
        action,
        record_type="cases.application",
        record_id=application.pk,
        client_id=application.applicant_id,
        fields=fields,
        purpose=purpose,
    )


def _holds_record(actor: Actor, client: Client) -> None:
    """NotFound unless the actor may read her whole record."""
    if not clients_in_full_scope(actor).filter(pk=client.pk).exists():
        raise NotFound


def age_on(birth_date: object, birth_year: int | None, today: dt.date) -> int | None:
    if isinstance(birth_date, dt.date):
        return today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day))
    if birth_year is not None:
        return max(today.year - birth_year, 0)
    return None


def _facts(applicant: Client, declared: Declared) -> eligibility.Household:
    today = timezone.localdate()
    members = (
        list(applicant.household.members.filter(state__in=LIVE).exclude(pk=applicant.pk))
        if applicant.household_id and applicant.household
        else []
    )
    applicant_age = declared.applicant_age
    if applicant_age is None:
        applicant_age = age_on(applicant.birth_date, applicant.birth_year, today)
    other_ages = declared.other_ages
    if other_ages is None:
        known = (age_on(m.birth_date, m.birth_year, today) for m in members)
        other_ages = tuple(sorted(age for age in known if age is not None))
    errors: dict[str, str] = {}
    if declared.household_size < 1 + len(members):
        errors["household_size"] = f"her household has at least {1 + len(members)} registered people"
    household = eligibility.Household(
        size=declared.household_size,
        income=declared.annual_income,
        lives_here=declared.lives_here,
        applicant_age=applicant_age,
        other_ages=tuple(other_ages),
    )
    wrong = eligibility.problems(household)
    if wrong:
        errors["household"] = "; ".join(wrong)
    if errors:
        raise Invalid(errors)
    return household


def _by_submission(actor: Actor, submission: str) -> Application | None:
    if not submission:
        return None
    earlier = Application.objects.filter(submission=submission).first()
    if earlier is None:
        return None
    _holds_record(actor, earlier.applicant)
    return earlier


def _current_for_household(applicant: Client) -> Application | None:
    """The household's current application: the latest one, not yet renewed."""
    same = Q(household_id=applicant.household_id) if applicant.household_id else Q(applicant=applicant)
    return (
        Application.objects.filter(same, jurisdiction_id=applicant.jurisdiction_id, renewal__isnull=True)
        .order_by("-submitted_at")
        .first()
    )


def _create(
    actor: Actor, applicant: Client, declared: Declared, submission: str, renewal_of: Application | None
) -> Application:
    household = _facts(applicant, declared)
    programmes = active_programmes(applicant.jurisdiction)
    if not programmes:
        raise Invalid({"programmes": "the city has no active programme to apply for"})
    application = Application(
        jurisdiction_id=applicant.jurisdiction_id,
        applicant=applicant,
        household_id=applicant.household_id,
        agency_id=applicant.agency_id or actor.primary_agency_id,
        household_size=household.size,
        annual_income=household.income,
        lives_here=household.lives_here,
        applicant_age=household.applicant_age,
        other_ages=list(household.other_ages),
        renewal_of=renewal_of,
        submission=submission or None,
        created_by=actor.user,
    )
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError:
        # the same form sent twice at once: the first one saved is the application
        earlier = _by_submission(actor, submission)
        if earlier is None:
            raise
        return earlier
    results = eligibility.assess_all([p.rules() for p in programmes], household)
    Decision.objects.bulk_create(
        [
            Decision(
                application=application,
                programme=programme,
                proposed=str(result.outcome),
                reasons=[reason.as_dict() for reason in result.reasons],
            )
            for programme, result in zip(programmes, results, strict=True)
        ]
    )
    purpose = "fair entry: renewal" if renewal_of else "fair entry: application"
    _audit_application(actor, AuditEntry.Action.CREATE, application, ["household_size", "annual_income"], purpose)
    return application


@transaction.atomic
def application_submit(
    *, actor: Actor, applicant: Client, declared: Declared, submission: str = "", documents: Iterable[Document] = ()
) -> Application:
    """Her household applies for every active programme at once: the rules propose an outcome,
    with reasons, for each, and staff decide. The same submission sent again gives the same
    application. A household has one current application; the next one is a renewal."""
    earlier = _by_submission(actor, submission)
    if earlier is not None:
        return earlier
    _holds_record(actor, applicant)
    if applicant.state != Client.State.ACTIVE:
        raise Invalid({"applicant": "verify her registration first"})
    current = _current_for_household(applicant)
    if current is not None:
        if current.state == Application.State.WAITING:
            raise Invalid({"household": "this household already has an application waiting for decisions"})
        raise Invalid({"household": "this household already has an application: renew it instead"})
    application = _create(actor, applicant, declared, submission, None)
    attach = [d for d in documents if d.client_id == applicant.pk]
    if attach:
        application.documents.add(*attach)
    return application


@transaction.atomic
def application_renew(
    *, actor: Actor, application: Application, declared: Declared, submission: str = ""
) -> Application:
    """A decided application is renewed with what the household declares now: a new application,
    linked to it, weighed again for every programme."""
    earlier = _by_submission(actor, submission)
    if earlier is not None:
        return earlier
    applicant = application.applicant
    _holds_record(actor, applicant)
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.state != Application.State.DECIDED:
        raise Invalid({"application": "an application is renewed once it has been decided"})
    if Application.objects.filter(renewal_of=application).exists():
        raise Invalid({"application": "this application was already renewed"})
    return _create(actor, applicant, declared, submission, application)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, or the month's last day when it has no such day (31 Jan + 1 → 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _may_decide(actor: Actor) -> None:
    if not actor.sees_whole_jurisdiction:
        raise NotAllowed("the city's coordinator decides on city programmes")


def _decide(actor: Actor, decision: Decision, state: str, reason: str, today: dt.date | None) -> Decision:
    _holds_record(actor, decision.application.applicant)
    _may_decide(actor)
    decision = Decision.objects.select_for_update().select_related("programme", "application").get(pk=decision.pk)
    if decision.state != Decision.State.PENDING:
        raise Invalid({"decision": f"this decision was already made ({decision.state})"})
    now = timezone.now()
    decision.state = state
    decision.reason = reason.strip()
    decision.decided_by = actor.user
    decision.decided_at = now
    if state == Decision.State.APPROVED:
        decision.valid_until = add_months(today or timezone.localdate(), decision.programme.renewal_months)
    decision.save()
    application = decision.application
    if not application.decisions.filter(state=Decision.State.PENDING).exists():
        application.state = Application.State.DECIDED
        application.decided_at = now
        application.save(update_fields=["state", "decided_at"])
    _audit_application(
        actor, AuditEntry.Action.UPDATE, application, ["decisions"], f"{state}: {decision.programme.slug}"
    )
    return decision


@transaction.atomic
def decision_approve(*, actor: Actor, decision: Decision, reason: str = "", today: dt.date | None = None) -> Decision:
    """Approve, with a renewal date after the programme's renewal period. Approving against the
    rules' proposal needs a reason."""
    if decision.proposed != eligibility.Outcome.ELIGIBLE and not reason.strip():
        raise Invalid({"reason": "the rules did not find her eligible: say why you approve"})
    return _decide(actor, decision, Decision.State.APPROVED, reason, today)


@transaction.atomic
def decision_deny(*, actor: Actor, decision: Decision, reason: str) -> Decision:
    """Deny, always with a reason she can be told."""
    if not reason.strip():
        raise Invalid({"reason": "say why it is denied"})
    return _decide(actor, decision, Decision.State.DENIED, reason, None)


# --- documents -----------------------------------------------------------------------------------


@transaction.atomic
def document_upload(
    *, actor: Actor, client: Client, upload: UploadedFile, kind: str, application: Application | None = None
) -> Document:
    """Keep a file about her (income evidence) after checking its content (`uploads.check`):
    stored outside the web root under a name of our making, never the uploaded one."""
    _holds_record(actor, client)
    if kind not in Document.Kind.values:
        raise Invalid({"kind": f"must be one of {', '.join(Document.Kind.values)}"})
    if application is not None and application.applicant_id != client.pk:
        raise Invalid({"application": "not her application"})
    if upload.file is None:
        raise Invalid({"file": "choose a file"})
    try:
        checked = uploads.check_file(upload.file, upload.name or "", upload.size or 0)
    except uploads.UploadRefused as exc:
        raise Invalid({"file": str(exc)}) from exc
    document = Document(
        client=client,
        agency_id=actor.primary_agency_id,
        kind=kind,
        content_type=checked.content_type,
        size=checked.size,
        uploaded_by=actor.user,
    )
    # the stored name is made from the document's id and the sniffed format (see `document_path`)
    document.file.save(f"upload{checked.extension}", upload, save=False)
    try:
        document.save()
    except Exception:
        document.file.delete(save=False)
        raise
    if application is not None:
        application.documents.add(document)
    audit(
        actor,
        AuditEntry.Action.CREATE,
        record_type="cases.document",
        record_id=document.pk,
        client_id=client.pk,
        fields=["documents"],
        purpose=f"upload: {kind}",
    )
    return document


# --- the city's export ------------------------------------------------------------------------------

EXPORT_HEADER = (
    "application",
    "client_code",
    "submitted_at",
    "renewal_of",
    "household_size",
    "annual_income",
    "lives_here",
    "programme",
    "proposed",
    "decision",
    "reason",
    "decided_at",
    "valid_until",
)


@transaction.atomic
def decisions_export(*, actor: Actor) -> str:
    """Every decision of the city's applications as CSV, cells safe for spreadsheets; the export
    of each client's data is audited."""
    _may_decide(actor)
    decisions = list(
        Decision.objects.filter(application__jurisdiction=actor.jurisdiction, application__applicant__state__in=LIVE)
        .select_related("programme", "application", "application__applicant")
        .order_by("application__submitted_at", "programme__order", "programme__slug")
    )
    rows = [
        (
            str(d.application_id),
            d.application.applicant.code or "",
            d.application.submitted_at.isoformat(timespec="seconds"),
            str(d.application.renewal_of_id or ""),
            d.application.household_size,
            d.application.annual_income,
            d.application.lives_here,
            d.programme.slug,
            d.proposed,
            d.state,
            d.reason,
            d.decided_at.isoformat(timespec="seconds") if d.decided_at else "",
            d.valid_until.isoformat() if d.valid_until else "",
        )
        for d in decisions
    ]
    audit_many(
        actor,
        AuditEntry.Action.EXPORT,
        sorted({("cases.application", d.application_id, d.application.applicant_id) for d in decisions}, key=str),
        fields=list(EXPORT_HEADER),
        purpose="fair entry decisions export",
    )
    return csv_text(EXPORT_HEADER, rows)


# --- erasure ---------------------------------------------------------------------------------------


def applications_erase(client: Client) -> int:
    """Called inside her erasure: her applications (declared income, ages) and their decisions go."""
    count, _ = Application.objects.filter(applicant=client).delete()
    return count


# --- demo programmes --------------------------------------------------------------------------------


@transaction.atomic
def load_demo_programmes(jurisdiction: Jurisdiction, path: Path = DEMO_FILE) -> int:
    """Create or update the programmes the demo file gives for `jurisdiction`; running it twice
    changes nothing. Returns how many programmes the file has for it."""
    with path.open(encoding="utf-8") as handle:
        data: dict[str, Any] = yaml.safe_load(handle) or {}
    specs = data.get(jurisdiction.code) or []
    for order, spec in enumerate(specs):
        programme = Programme.objects.filter(jurisdiction=jurisdiction, slug=spec["slug"]).first() or Programme(
            jurisdiction=jurisdiction, slug=spec["slug"]
        )
        programme.order = order
        programme.income_limits = [int(limit) for limit in spec["income_limits"]]
        programme.each_additional = int(spec.get("each_additional", 0))
        programme.must_live_here = bool(spec.get("must_live_here", True))
        programme.age_min = spec.get("age_min")
        programme.age_max = spec.get("age_max")
        programme.age_of = spec.get("age_of", Programme.AgeOf.APPLICANT)
        programme.renewal_months = int(spec.get("renewal_months", 12))
        programme.active = bool(spec.get("active", True))
        for language, text in spec["name"].items():
            programme.set_translation(language, "name", text)
        for language, text in spec["description"].items():
            programme.set_translation(language, "description", text)
        try:
            programme.full_clean()
        except ValidationError as exc:
            raise ValueError(f"demo programme {spec['slug']}: {exc}") from exc
        programme.save()
    return len(specs)
