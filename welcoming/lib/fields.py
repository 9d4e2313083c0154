"""Model fields whose values are encrypted in the database (see `lib/crypto.py`).

They cannot be filtered on or ordered by: find records through a blind index instead.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models

from welcoming.lib.crypto import keyring


class EncryptedTextField(models.TextField):
    """Text encrypted with the current key; the ciphertext is bound to this model and field, so it
    cannot be copied into another column and read there. An empty value stays empty."""

    def context(self) -> str:
        return f"{self.model._meta.label_lower}.{self.name}"

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if not value:
            return value
        return keyring().decrypt(value, self.context())

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if not value:
            return value
        return keyring().encrypt(str(value), self.context())


class EncryptedDateField(EncryptedTextField):
    """A date, encrypted as its ISO text."""

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Any:
        text = super().from_db_value(value, expression, connection)
        return dt.date.fromisoformat(text) if text else None

    def to_python(self, value: Any) -> Any:
        if value is None or value == "" or isinstance(value, dt.date):
            return value or None
        return dt.date.fromisoformat(str(value))

    def get_prep_value(self, value: Any) -> Any:
        if isinstance(value, dt.date):
            value = value.isoformat()
        return super().get_prep_value(value)

    def formfield(self, **kwargs: Any) -> Any:
        from django import forms

        return forms.DateField(required=not self.blank, **kwargs)


def encrypted_fields() -> dict[type[models.Model], list[EncryptedTextField]]:
    from django.apps import apps

    found: dict[type[models.Model], list[EncryptedTextField]] = {}
    for model in apps.get_models():
        fields = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if fields:
            found[model] = fields
    return found


def reencrypt(*, apply: bool, batch: int = 500) -> dict[str, int]:
    """Per model, how many rows hold a value under a key other than the current one; with `apply`,
    re-encrypt those rows with the current key, each model in one transaction."""
    from django.db import connection, transaction

    ring = keyring()
    counts: dict[str, int] = {}
    for model, fields in encrypted_fields().items():
        table = connection.ops.quote_name(model._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(str(f.column)) for f in fields)
        assert model._meta.pk is not None
        pk_column = connection.ops.quote_name(str(model._meta.pk.column))
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {pk_column}, {columns} FROM {table}")  # noqa: S608 - names from the models
            stale = [
                row[0] for row in cursor.fetchall() if any(v and ring.key_id_of(v) != ring.current for v in row[1:])
            ]
        counts[model._meta.label] = len(stale)
        if not apply or not stale:
            continue
        with transaction.atomic():
            for start in range(0, len(stale), batch):
                for obj in model._default_manager.filter(pk__in=stale[start : start + batch]).only(
                    *(f.name for f in fields)
                ):
                    values = {f.name: getattr(obj, f.name) for f in fields}
                    model._default_manager.filter(pk=obj.pk).update(**values)
    return counts
