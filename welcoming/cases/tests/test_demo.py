"""The demo city's staff, agencies and clients: loaded through the services, once, and each role sees
what the banner says it sees."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from welcoming.accounts.actors import actor_for
from welcoming.accounts.models import Agency, AuditEntry, Membership, User
from welcoming.cases import selectors
from welcoming.cases.demo import read
from welcoming.cases.models import (
    Client,
    Consent,
    Household,
    NameKey,
    NeedsAssessment,
    Note,
    Referral,
    ReferralEvent,
    Task,
)
from welcoming.directory.management.commands.load_demo import demo_password
from welcoming.places.models import Jurisdiction

pytestmark = pytest.mark.django_db

# a referral in one of these states lets the receiving agency read what it shares
READABLE = {"sent", "accepted", "in-progress", "completed", "unresolved"}
EVERY_ROW: tuple[type[Any], ...] = (Agency, User, Membership, Client, Household, NameKey, Consent, NeedsAssessment)
EVERY_ROW += (Referral, ReferralEvent, Note, Task, AuditEntry)


@pytest.fixture
def demo(db: Any) -> Jurisdiction:
    call_command("load_demo", stdout=io.StringIO())
    return Jurisdiction.objects.get(code="riverton")


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in EVERY_ROW}


def names_of(clients: Any) -> set[str]:
    return {f"{c.given_name} {c.family_name}" for c in clients}


def final_state(referral: dict[str, Any]) -> str:
    if referral.get("draft"):
        return "draft"
    if referral.get("withdrawn"):
        return "withdrawn"
    return (referral.get("steps") or ["sent"])[-1]


def expected_names(*, registered_by: set[str], agency: str, whole_households: bool) -> set[str]:
    """Who a member of `agency` should see, worked out from the files rather than the selectors: the
    households registered by `registered_by`, and the heads of households referred to the agency."""
    names = set()
    for household in read("clients.yaml")["households"]:
        members = [f"{m['given_name']} {m['family_name']}" for m in household["members"]]
        if household["by"] in registered_by:
            names.update(members if whole_households else members[:1])
        if any(r["to"] == agency and final_state(r) in READABLE for r in household.get("referrals", [])):
            names.add(members[0])
    return names


def visible(username: str, jurisdiction: Jurisdiction) -> set[str]:
    actor = actor_for(User.objects.get(username=username), jurisdiction)
    return names_of(selectors.clients_in_scope(actor))


def test_the_demo_city_has_its_agencies_staff_and_thirty_clients_in_many_scripts(demo: Jurisdiction) -> None:
    agencies = {a.name: a for a in Agency.objects.filter(jurisdiction=demo).select_related("organization")}
    for name in (
        "City of Riverton Newcomer Office",
        "Cedar Heights Newcomer Health Clinic",
        "Riverton Welcome Centre for Newcomers",
    ):
        organization = agencies[name].organization
        assert organization is not None and organization.name == name
    staffed = set(Membership.objects.filter(agency__isnull=False).values_list("agency__name", flat=True))
    assert staffed == {"City of Riverton Newcomer Office", "Cedar Heights Newcomer Health Clinic"}
    for username in ("admin", "coordinator", "manager-a", "caseworker-a", "caseworker-b", "analyst"):
        assert User.objects.get(username=username).check_password(demo_password())
    assert User.objects.get(username="admin").is_superuser

    clients = Client.objects.filter(jurisdiction=demo)
    assert clients.count() == 30
    assert clients.filter(state=Client.State.PENDING).count() == 2
    given = " ".join(c.given_name for c in clients)
    for letter, script in (("ف", "Arabic"), ("О", "Cyrillic"), ("ی", "Persian"), ("í", "Spanish"), ("é", "French")):
        assert letter in given, script
    children = clients.filter(relationship=Client.Relationship.CHILD)
    assert children.count() >= 5
    for child in children.select_related("household"):
        assert child.household is not None
        assert child.household.members.filter(relationship=Client.Relationship.HEAD).count() == 1
    assert Consent.objects.filter(purpose=Consent.Purpose.SHARING, agency__name__startswith="Cedar").count() >= 5
    assert NeedsAssessment.objects.count() >= 15 and Note.objects.count() >= 4 and Task.objects.count() >= 5
    # registered through the services: every staff-registered client has its audit entry
    registered = AuditEntry.objects.filter(action="create", record_type="cases.client", purpose="registration")
    assert registered.count() == clients.filter(state=Client.State.ACTIVE).count()


def test_each_role_sees_what_the_banner_says(demo: Jurisdiction) -> None:
    everyone = names_of(Client.objects.filter(jurisdiction=demo))
    assert visible("coordinator", demo) == everyone
    assert visible("admin", demo) == everyone
    assert visible("analyst", demo) == set()
    assert visible("caseworker-b", demo) == expected_names(
        registered_by={"caseworker-b"}, agency="b", whole_households=True
    )
    assert visible("caseworker-a", demo) == expected_names(
        registered_by={"caseworker-a"}, agency="a", whole_households=True
    )
    assert visible("manager-a", demo) == expected_names(
        registered_by={"caseworker-a", "manager-a"}, agency="a", whole_households=True
    )

    # and the clinic sees a referred client only as far as the referral shares
    clinic = actor_for(User.objects.get(username="caseworker-b"), demo)
    selam = next(c for c in selectors.clients_in_scope(clinic) if c.given_name_latin == "Selam")
    access = selectors.client_for(clinic, selam.pk, purpose="demo test")
    assert not access.full
    assert access.can_see("name") and access.can_see("languages")
    assert not access.can_see("contact") and not access.can_see("needs")
    declined = Referral.objects.get(state="declined").client
    with pytest.raises(selectors.NotFound):
        selectors.client_for(clinic, declined.pk, purpose="demo test")


def test_the_demo_shows_referrals_in_every_state_and_a_duplicate_waiting_at_the_counter(demo: Jurisdiction) -> None:
    referrals = Referral.objects.filter(client__jurisdiction=demo).select_related("to_agency")
    states = {r.state for r in referrals}
    assert {"draft", "sent", "accepted", "in-progress", "declined", "completed", "withdrawn"} <= states
    late = [r for r in referrals if selectors.is_late(r)]
    assert len(late) == 1 and late[0].to_agency.name == "Cedar Heights Newcomer Health Clinic"
    assert "March" in referrals.get(state="declined").decline_reason
    assert {r.outcome for r in referrals.filter(state="completed")} == {"served", "partly"}
    clinic = actor_for(User.objects.get(username="caseworker-b"), demo)
    assert late[0] in list(selectors.inbox(clinic))

    coordinator = actor_for(User.objects.get(username="coordinator"), demo)
    pending = Client.objects.get(submission="demo:riverton:pending-2")
    assert pending.given_name == "محمد" and pending.state == Client.State.PENDING
    candidates = selectors.duplicate_candidates(coordinator, pending)
    assert [(c.client.given_name, c.client.family_name, c.client.state) for c in candidates] == [
        ("Mohammed", "Al-Rashid", Client.State.ACTIVE)
    ]


def test_loading_the_demo_twice_changes_nothing_and_the_banner_prints_every_login(demo: Jurisdiction) -> None:
    before = counts()
    references = set(Client.objects.values_list("reference", flat=True))
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert counts() == before
    assert set(Client.objects.values_list("reference", flat=True)) == references
    assert "clients created" not in out.getvalue()

    out = io.StringIO()
    call_command("demo_banner", stdout=out)
    banner = out.getvalue()
    for username in ("admin", "coordinator", "manager-a", "caseworker-a", "caseworker-b", "analyst"):
        assert f"  {username} " in banner
    assert "anonymous figures only, never a person" in banner
    for reference in Client.objects.filter(state=Client.State.PENDING).values_list("reference", flat=True):
        assert str(reference) in banner


def test_production_refuses_to_create_the_demo_users(db: Any, settings: Any) -> None:
    settings.PRODUCTION = True
    with pytest.raises(CommandError):
        call_command("load_demo", stdout=io.StringIO())
    assert not User.objects.exists() and not Client.objects.exists()
