from __future__ import annotations

import pytest

from welcoming.accounts.actors import actor_for
from welcoming.accounts.models import AuditEntry, User
from welcoming.cases import selectors, services
from welcoming.cases.models import Client, Consent
from welcoming.cases.services import Person
from welcoming.places.models import Jurisdiction

pytestmark = pytest.mark.django_db


def register(user: User, jurisdiction: Jurisdiction, given: str = "فاطمة", family: str = "الحسن") -> Client:
    person = Person(given_name=given, family_name=family, birth_year=1990, phone="+1 613 555 0101")
    return services.client_register(actor=actor_for(user, jurisdiction), person=person, consent_method="verbal")


def visible(user: User, jurisdiction: Jurisdiction) -> set[str]:
    return {c.code or "" for c in selectors.clients_in_scope(actor_for(user, jurisdiction))}


def test_a_caseworker_sees_her_own_clients_and_not_her_colleagues(
    riverton: Jurisdiction, caseworker_a: User, caseworker_a2: User
) -> None:
    mine = register(caseworker_a, riverton)
    theirs = register(caseworker_a2, riverton, given="Олена", family="Коваль")
    assert visible(caseworker_a, riverton) == {mine.code}
    assert visible(caseworker_a2, riverton) == {theirs.code}


def test_a_manager_sees_every_client_of_her_agency_and_none_of_another(
    riverton: Jurisdiction, manager_a: User, caseworker_a: User, caseworker_b: User
) -> None:
    ours = register(caseworker_a, riverton)
    register(caseworker_b, riverton, given="Carlos", family="Pérez")
    assert visible(manager_a, riverton) == {ours.code}


def test_the_coordinator_sees_the_whole_city_and_the_analyst_sees_no_one(
    riverton: Jurisdiction, coordinator: User, analyst: User, caseworker_a: User, caseworker_b: User
) -> None:
    a = register(caseworker_a, riverton)
    b = register(caseworker_b, riverton, given="Carlos")
    assert visible(coordinator, riverton) == {a.code, b.code}
    assert visible(analyst, riverton) == set()


def test_a_user_without_a_role_in_this_city_sees_nothing(
    riverton: Jurisdiction, lakeside: Jurisdiction, caseworker_a: User
) -> None:
    register(caseworker_a, riverton)
    assert visible(caseworker_a, lakeside) == set()
    stranger = User.objects.create_user("stranger", password="a-long-password-1")
    assert visible(stranger, riverton) == set()


def test_a_client_out_of_scope_is_not_found_exactly_like_one_that_does_not_exist(
    riverton: Jurisdiction, caseworker_a: User, caseworker_b: User
) -> None:
    client = register(caseworker_a, riverton)
    with pytest.raises(selectors.NotFound):
        selectors.client_for(actor_for(caseworker_b, riverton), client.pk, purpose="test")
    with pytest.raises(selectors.NotFound):
        selectors.client_for(actor_for(caseworker_b, riverton), "00000000-0000-0000-0000-000000000000", purpose="test")
    with pytest.raises(selectors.NotFound):
        selectors.client_for(actor_for(caseworker_b, riverton), "not-a-uuid", purpose="test")


def test_reading_a_client_writes_who_read_which_fields_and_why(riverton: Jurisdiction, caseworker_a: User) -> None:
    client = register(caseworker_a, riverton)
    selectors.client_for(actor_for(caseworker_a, riverton), client.pk, purpose="client page")
    entry = AuditEntry.objects.filter(action="read", client_id=client.pk).get()
    assert entry.username == "amal"
    assert entry.purpose == "client page"
    assert "given_name" in entry.fields and "phone" in entry.fields


def test_the_audit_log_cannot_be_changed_or_deleted(riverton: Jurisdiction, caseworker_a: User) -> None:
    register(caseworker_a, riverton)
    entry = AuditEntry.objects.first()
    assert entry is not None
    entry.purpose = "covering tracks"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.update(purpose="covering tracks")
    from django.db import DatabaseError, connection, transaction

    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE accounts_auditentry SET purpose = 'covering tracks'")


def test_names_are_found_across_scripts_and_spellings(riverton: Jurisdiction, caseworker_a: User) -> None:
    arabic = register(caseworker_a, riverton, given="محمد", family="العلي")
    register(caseworker_a, riverton, given="Олена", family="Коваль")
    actor = actor_for(caseworker_a, riverton)
    for query in ("Mohammed", "Muhammad al-Ali", "محمد"):
        assert [c.pk for c in selectors.search_clients(actor, query)] == [arabic.pk], query
    assert [c.code for c in selectors.search_clients(actor, "Olena")] != []
    assert [c.pk for c in selectors.search_clients(actor, arabic.code or "")] == [arabic.pk]
    assert [c.pk for c in selectors.search_clients(actor, "613-555-0101")] != []


def test_her_name_and_phone_are_not_readable_in_the_database(riverton: Jurisdiction, caseworker_a: User) -> None:
    from django.db import connection

    client = register(caseworker_a, riverton, given="محمد", family="العلي")
    key = Client._meta.pk.get_db_prep_value(client.pk, connection)
    with connection.cursor() as cursor:
        cursor.execute("SELECT given_name, family_name, phone FROM cases_client WHERE id = %s", [key])
        row = cursor.fetchone()
    assert row is not None
    assert "محمد" not in "".join(row) and "555" not in "".join(row)
    assert Client.objects.get(pk=client.pk).given_name == "محمد"


def test_no_record_without_her_consent_to_keep_one(riverton: Jurisdiction, caseworker_a: User) -> None:
    with pytest.raises(services.Invalid) as raised:
        services.client_register(
            actor=actor_for(caseworker_a, riverton), person=Person(given_name="Ana"), consent_method=""
        )
    assert "consent" in raised.value.errors["consent_method"]
    assert Client.objects.count() == 0
    client = register(caseworker_a, riverton)
    assert client.consents.get().purpose == Consent.Purpose.REGISTRATION
