"""Writes from the portal."""

from __future__ import annotations

from django.db import transaction

from welcoming.directory.models import Service
from welcoming.portal.models import ProblemReport


@transaction.atomic
def problem_report(*, service: Service, kind: str, note: str, language: str) -> ProblemReport:
    """Files a report for staff. The same report twice in a row (a double tap) is kept once."""
    note = note.strip()[:500]
    latest = ProblemReport.objects.filter(service=service, resolved__isnull=True).order_by("-created").first()
    if latest is not None and latest.kind == kind and latest.note == note:
        return latest
    return ProblemReport.objects.create(
        jurisdiction_id=service.jurisdiction_id, service=service, kind=kind, note=note, language=language
    )
