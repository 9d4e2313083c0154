from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection

from welcoming.accounts.actors import actor_for
from welcoming.accounts.models import User
from welcoming.cases import services
from welcoming.cases.models import Client
from welcoming.cases.services import Person
from welcoming.lib import crypto
from welcoming.places.models import Jurisdiction


@pytest.fixture
def keys(monkeypatch: pytest.MonkeyPatch) -> Any:
    """A keyring of our own, so that rotating does not touch the development key file."""

    def use(*lines: str) -> None:
        monkeypatch.setenv("WELCOMING_ENCRYPTION_KEYS", ",".join(lines))
        crypto.keyring.cache_clear()

    old, index = crypto.new_key_line("old"), crypto.new_key_line("index")
    use(old, index)
    yield use, old, index
    crypto.keyring.cache_clear()


def raw(client: Client, column: str) -> str:
    key = Client._meta.pk.get_db_prep_value(client.pk, connection)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM cases_client WHERE id = %s", [key])  # noqa: S608
        return str(cursor.fetchone()[0])


@pytest.mark.django_db
def test_rotating_keys_re_encrypts_every_field_under_the_new_key_and_the_old_key_can_then_go(
    keys: Any, riverton: Jurisdiction, caseworker_a: User
) -> None:
    use, old, index = keys
    client = services.client_register(
        actor=actor_for(caseworker_a, riverton),
        person=Person(given_name="Олена", family_name="Коваль", phone="+380 63 555 0101"),
        consent_method="verbal",
    )
    assert raw(client, "given_name").startswith("old$")
    phone_index = Client.objects.get().phone_index

    use(crypto.new_key_line("new"), old, index)
    out = io.StringIO()
    call_command("rotate_keys", stdout=out)
    assert "cases.Client: 1 rows to re-encrypt" in out.getvalue()
    assert raw(client, "given_name").startswith("old$")  # a dry run changes nothing
    call_command("rotate_keys", "--apply", stdout=io.StringIO())
    assert raw(client, "given_name").startswith("new$")

    new_line = crypto.os.environ["WELCOMING_ENCRYPTION_KEYS"].split(",")[0]
    use(new_line, index)
    again = Client.objects.get()
    assert (again.given_name, again.phone) == ("Олена", "+380 63 555 0101")
    assert again.phone_index == phone_index  # lookups survive the rotation


def test_a_ciphertext_moved_to_another_column_or_altered_does_not_decrypt(keys: Any) -> None:
    ring = crypto.keyring()
    sealed = ring.encrypt("Олена", "cases.client.given_name")
    assert ring.decrypt(sealed, "cases.client.given_name") == "Олена"
    with pytest.raises(crypto.DecryptionError):
        ring.decrypt(sealed, "cases.client.family_name")
    with pytest.raises(crypto.DecryptionError):
        ring.decrypt(sealed[:-4] + ("AAAA" if not sealed.endswith("AAAA") else "BBBB"), "cases.client.given_name")


def test_keys_that_are_not_32_bytes_or_lack_the_index_key_are_refused() -> None:
    with pytest.raises(ImproperlyConfigured):
        crypto.parse_keys("k1:c2hvcnQ=", "test")
    with pytest.raises(ImproperlyConfigured):
        crypto.parse_keys(crypto.new_key_line("k1"), "test")
