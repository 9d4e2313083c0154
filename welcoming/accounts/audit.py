"""Writing the audit log. Called inside the service or selector that reveals or changes personal
data, in the same transaction, so that nothing is shown or changed without its entry."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from welcoming.accounts.models import AuditEntry

if TYPE_CHECKING:
    from welcoming.accounts.actors import Actor


def audit(
    actor: Actor,
    action: str,
    *,
    record_type: str,
    record_id: object = "",
    client_id: uuid.UUID | None = None,
    fields: Sequence[str] = (),
    purpose: str = "",
) -> None:
    audit_many(actor, action, [(record_type, record_id, client_id)], fields=fields, purpose=purpose)


def audit_many(
    actor: Actor,
    action: str,
    records: Iterable[tuple[str, object, uuid.UUID | None]],
    *,
    fields: Sequence[str] = (),
    purpose: str = "",
) -> None:
    """One entry per record, in one insert: a list page of 50 clients writes 50 entries."""
    user = actor.user
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                user_id=user.pk,
                username=getattr(user, "username", "") or "",
                agency_id=actor.primary_agency_id,
                action=action,
                record_type=record_type,
                record_id=str(record_id),
                client_id=client_id,
                fields=list(fields),
                purpose=purpose,
                via=actor.via,
            )
            for record_type, record_id, client_id in records
        ]
    )
