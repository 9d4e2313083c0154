"""Reading programmes, Fair Entry applications, their decisions and documents.

Programmes are public. Applications and documents are part of a client's full record: only staff
who may read her whole record see them (never an agency that sees her through a referral), and
anything else is `NotFound`, like an id that does not exist. Every read of one is audited.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from welcoming.accounts.actors import Actor
from welcoming.accounts.audit import audit, audit_many
from welcoming.accounts.models import AuditEntry
from welcoming.cases import eligibility
from welcoming.cases.models import Application, Decision, Document, Programme
from welcoming.cases.selectors import NotFound, clients_in_full_scope
from welcoming.places.models import Jurisdiction

RENEWALS_AHEAD_DAYS = 30
APPLICATION_FIELDS = ["household_size", "annual_income", "lives_here", "applicant_age", "other_ages", "decisions"]


def active_programmes(jurisdiction: Jurisdiction) -> list[Programme]:
    return list(Programme.objects.filter(jurisdiction=jurisdiction, active=True).select_related("jurisdiction"))


@dataclass(frozen=True)
class Screened:
    programme: Programme
    result: eligibility.Result


def screen(jurisdiction: Jurisdiction, household: eligibility.Household) -> list[Screened]:
    """Every active programme weighed for a household, storing nothing (the anonymous screener)."""
    programmes = active_programmes(jurisdiction)
    results = eligibility.assess_all([p.rules() for p in programmes], household)
    return [Screened(programme, result) for programme, result in zip(programmes, results, strict=True)]


def _key(value: object) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError as exc:
        raise NotFound from exc


def applications_in_scope(actor: Actor) -> QuerySet[Application]:
    """Applications of the clients whose whole record the actor may read."""
    return Application.objects.filter(
        jurisdiction=actor.jurisdiction, applicant__in=clients_in_full_scope(actor)
    ).select_related("applicant", "agency")


def _with_decisions(qs: QuerySet[Application]) -> QuerySet[Application]:
    return qs.prefetch_related(
        Prefetch("decisions", queryset=Decision.objects.select_related("programme", "decided_by"))
    )


def application_for(actor: Actor, application_id: object, *, purpose: str) -> Application:
    """One application with its decisions and documents; the read is audited."""
    application = (
        _with_decisions(applications_in_scope(actor))
        .prefetch_related("documents")
        .select_related("renewal_of", "created_by")
        .filter(pk=_key(application_id))
        .first()
    )
    if application is None:
        raise NotFound
    audit(
        actor,
        AuditEntry.Action.READ,
        record_type="cases.application",
        record_id=application.pk,
        client_id=application.applicant_id,
        fields=[*APPLICATION_FIELDS, "documents"],
        purpose=purpose,
    )
    return application


def decision_for(actor: Actor, application: Application, decision_id: object) -> Decision:
    """A decision of an application the actor has already opened."""
    decision = (
        Decision.objects.select_related("programme", "application")
        .filter(pk=_key(decision_id), application=application)
        .first()
    )
    if decision is None:
        raise NotFound
    return decision


def applications_list(actor: Actor, *, limit: int = 100, offset: int = 0) -> list[Application]:
    """A page of the applications in scope, newest first, with their decisions; audited."""
    found = list(
        _with_decisions(applications_in_scope(actor))
        .prefetch_related("documents")
        .order_by("-submitted_at")[offset : offset + limit]
    )
    _audit_list(actor, found, "applications list")
    return found


def queue(actor: Actor, *, limit: int = 200) -> list[Application]:
    """Applications waiting for decisions, oldest first."""
    found = list(
        _with_decisions(applications_in_scope(actor).filter(state=Application.State.WAITING)).order_by("submitted_at")[
            :limit
        ]
    )
    _audit_list(actor, found, "fair entry queue")
    return found


def renewals_due(actor: Actor, *, today: dt.date | None = None, days: int = RENEWALS_AHEAD_DAYS) -> list[Decision]:
    """Approvals that run out in the next `days` days, on applications not yet renewed."""
    today = today or timezone.localdate()
    found = list(
        Decision.objects.filter(
            application__in=applications_in_scope(actor).filter(renewal__isnull=True),
            state=Decision.State.APPROVED,
            valid_until__gte=today,
            valid_until__lte=today + dt.timedelta(days=days),
        )
        .select_related("programme", "application", "application__applicant")
        .order_by("valid_until", "application__submitted_at")
    )
    audit_many(
        actor,
        AuditEntry.Action.READ,
        [("cases.application", d.application_id, d.application.applicant_id) for d in found],
        fields=["code", "decisions"],
        purpose="fair entry renewals due",
    )
    return found


def _audit_list(actor: Actor, applications: list[Application], purpose: str) -> None:
    audit_many(
        actor,
        AuditEntry.Action.READ,
        [("cases.application", a.pk, a.applicant_id) for a in applications],
        fields=APPLICATION_FIELDS,
        purpose=purpose,
    )


def document_for(actor: Actor, document_id: object) -> Document:
    """A document of a client whose whole record the actor may read; the read (a download) is audited."""
    document = (
        Document.objects.filter(pk=_key(document_id), client__in=clients_in_full_scope(actor))
        .select_related("client")
        .first()
    )
    if document is None:
        raise NotFound
    audit(
        actor,
        AuditEntry.Action.READ,
        record_type="cases.document",
        record_id=document.pk,
        client_id=document.client_id,
        fields=["file"],
        purpose=f"download: {document.kind}",
    )
    return document
