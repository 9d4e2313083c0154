"""The acting user, as the rest of the platform sees them: their roles and agencies in one jurisdiction.

Every selector of personal data takes an `Actor` and scopes its query by it; an actor with no
membership in the jurisdiction sees nothing (failing closed).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from welcoming.accounts.models import AGENCY_ROLES, Membership, Role, User
from welcoming.places.models import Jurisdiction


@dataclass(frozen=True)
class Actor:
    user: User
    jurisdiction: Jurisdiction
    roles: frozenset[str] = frozenset()
    agency_ids: frozenset[uuid.UUID] = frozenset()
    via: str = "page"
    # the agency roles held per agency, e.g. {agency_id: {"caseworker"}}
    agency_roles: dict[uuid.UUID, frozenset[str]] = field(default_factory=dict)

    @property
    def is_admin(self) -> bool:
        return bool(self.user.is_superuser)

    @property
    def sees_whole_jurisdiction(self) -> bool:
        return self.is_admin or Role.COORDINATOR in self.roles

    @property
    def works_with_clients(self) -> bool:
        return self.sees_whole_jurisdiction or bool(self.roles & {Role.MANAGER, Role.CASEWORKER})

    def manages(self, agency_id: uuid.UUID | None) -> bool:
        return agency_id is not None and Role.MANAGER in self.agency_roles.get(agency_id, frozenset())

    @property
    def primary_agency_id(self) -> uuid.UUID | None:
        return min(self.agency_ids, key=str) if self.agency_ids else None


def actor_for(user: User, jurisdiction: Jurisdiction, via: str = "page") -> Actor:
    """One query: the user's memberships in this jurisdiction."""
    if not user.is_authenticated or not user.is_active:
        return Actor(user=user, jurisdiction=jurisdiction, via=via)
    roles: set[str] = set()
    per_agency: dict[uuid.UUID, set[str]] = {}
    for role, agency_id in Membership.objects.filter(user=user, jurisdiction=jurisdiction).values_list(
        "role", "agency_id"
    ):
        roles.add(role)
        if role in AGENCY_ROLES and agency_id is not None:
            per_agency.setdefault(agency_id, set()).add(role)
    return Actor(
        user=user,
        jurisdiction=jurisdiction,
        roles=frozenset(roles),
        agency_ids=frozenset(per_agency),
        via=via,
        agency_roles={agency: frozenset(held) for agency, held in per_agency.items()},
    )
