"""Importing HSDS data into one jurisdiction: validate every row, then write all or nothing.

A `Dataset` is HSDS rows by table, each row a mapping of HSDS field names to values (strings from
CSV or JSON values) with the place it came from. `validate()` finds every problem, not just the
first; `apply()` writes in one transaction, updating rows by id instead of duplicating them. The
readers of data packages and JSON (`directory/packages.py`) and the demo city all come through here.
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, models, transaction
from django.utils import timezone

from welcoming.directory import models as m
from welcoming.directory import search
from welcoming.directory.tables import COLUMNS, MODELS, TABLES, Invalid
from welcoming.lib.i18n import LANGUAGE_CODES
from welcoming.places.models import Jurisdiction

BATCH = 2000
ANALYZE_AFTER_ROWS = 5000


@dataclass(frozen=True)
class Where:
    file: str
    row: int

    def at(self, column: str) -> str:
        return f"{self.file}:{self.row}:{column}"


@dataclass
class Row:
    values: dict[str, Any]
    where: Where
    translations: dict[str, dict[str, str]] | None = None


@dataclass
class Dataset:
    tables: dict[str, list[Row]] = field(default_factory=lambda: defaultdict(list))
    # Translations given apart from the rows (the data package's translations.csv).
    loose_translations: list[tuple[Where, str, str, str, str, str]] = field(default_factory=list)
    has_translations: bool = False

    def add(self, table: str, values: dict[str, Any], where: Where, translations: dict[str, Any] | None = None) -> None:
        self.tables[table].append(Row(values, where, translations))

    def count(self) -> int:
        return sum(len(rows) for rows in self.tables.values())


@dataclass
class Report:
    created: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    updated: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    unchanged: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = []
        for table, _file, _model in TABLES:
            c, u, s = self.created.get(table, 0), self.updated.get(table, 0), self.unchanged.get(table, 0)
            if c or u or s:
                parts.append(f"{table}: {c} new, {u} updated, {s} unchanged")
        return "\n".join(parts) or "nothing to import"


class ImportFailed(Exception):
    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__(f"{len(errors)} error(s); nothing was written.\n" + "\n".join(errors))


@dataclass
class Parsed:
    pk: uuid.UUID
    values: dict[str, Any]  # attname → python value
    translations: dict[str, dict[str, str]] | None
    where: Where


def _check_translations(
    model: type[m.HsdsObject], raw: Any, where: Where, errors: list[str]
) -> dict[str, dict[str, str]] | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        errors.append(f"{where.at('translations')}: must be an object of languages")
        return None
    clean: dict[str, dict[str, str]] = {}
    for language, fields in raw.items():
        if language not in LANGUAGE_CODES:
            errors.append(f"{where.at('translations')}: {language!r} is not one of {', '.join(LANGUAGE_CODES)}")
            continue
        if not isinstance(fields, dict):
            errors.append(f"{where.at('translations')}: {language} must map fields to text")
            continue
        for name, text in fields.items():
            if name not in model.translated_fields:
                errors.append(f"{where.at('translations')}: {model.hsds_name}.{name} is not translatable")
            elif not isinstance(text, str):
                errors.append(f"{where.at('translations')}: {language}.{name} must be text")
            elif text:
                clean.setdefault(language, {})[name] = text
    return clean


def validate(
    dataset: Dataset, jurisdiction: Jurisdiction, progress: Callable[[str, int], object] | None = None
) -> tuple[dict[str, dict[uuid.UUID, Parsed]], list[str], list[str]]:
    """Every row parsed, with all the errors and warnings found; nothing is written."""
    errors: list[str] = []
    warnings: list[str] = []
    parsed: dict[str, dict[uuid.UUID, Parsed]] = {}
    for table, rows in dataset.tables.items():
        if table not in MODELS:
            errors.append(f"{rows[0].where.file}: {table!r} is not an HSDS table")
            continue
        model = MODELS[table]
        cols = COLUMNS[table]
        seen: dict[uuid.UUID, Parsed] = {}
        unknown_reported: set[str] = set()
        required = [(name, c.attname) for name, c in cols.items() if c.required and name != "id"]
        for row in rows:
            values: dict[str, Any] = {}
            ok = True
            for name, raw in row.values.items():
                column = cols.get(name)
                if column is None:
                    if name not in unknown_reported:
                        warnings.append(f"{row.where.at(name)}: not a field of {table}; ignored")
                        unknown_reported.add(name)
                    continue
                try:
                    values[column.attname] = column.parse(raw)
                except Invalid as exc:
                    errors.append(f"{row.where.at(name)}: {exc}")
                    ok = False
            for name, attname in required:
                if values.get(attname) is None:
                    errors.append(f"{row.where.at(name)}: required")
                    ok = False
            pk = values.pop("id", None)
            if pk is None:
                if "id" not in row.values or not str(row.values.get("id") or "").strip():
                    errors.append(f"{row.where.at('id')}: required")
                continue
            translations = _check_translations(model, row.translations, row.where, errors)
            if not ok:
                continue
            if pk in seen:
                if _same(seen[pk], values, translations):
                    continue
                errors.append(
                    f"{row.where.at('id')}: duplicate id {pk} (also {seen[pk].where.file}:{seen[pk].where.row})"
                )
                continue
            seen[pk] = Parsed(pk, values, translations, row.where)
        parsed[table] = seen
        if progress:
            progress(table, len(rows))

    _apply_loose_translations(dataset, parsed, errors)
    _check_ownership(parsed, jurisdiction, errors)
    _check_references(parsed, jurisdiction, errors, warnings)
    return parsed, errors, warnings


def _same(first: Parsed, values: dict[str, Any], translations: dict[str, dict[str, str]] | None) -> bool:
    """The same object met twice (an organisation nested in many services) is one object."""
    merged = {**first.values, **{k: v for k, v in values.items() if v is not None}}
    if any(first.values.get(k) not in (None, v) for k, v in merged.items()):
        return False
    first.values = merged
    if translations and not first.translations:
        first.translations = translations
    return True


def _apply_loose_translations(dataset: Dataset, parsed: dict[str, dict[uuid.UUID, Parsed]], errors: list[str]) -> None:
    for where, table, raw_id, name, language, text in dataset.loose_translations:
        model = MODELS.get(table)
        if model is None:
            errors.append(f"{where.at('table')}: {table!r} is not an HSDS table")
            continue
        try:
            pk = uuid.UUID(raw_id)
        except ValueError:
            errors.append(f"{where.at('id')}: {raw_id!r} is not a UUID")
            continue
        if name not in model.translated_fields:
            errors.append(f"{where.at('field')}: {table}.{name} is not translatable")
            continue
        if language not in LANGUAGE_CODES:
            errors.append(f"{where.at('language')}: {language!r} is not one of {', '.join(LANGUAGE_CODES)}")
            continue
        target = parsed.get(table, {}).get(pk)
        if target is None:
            errors.append(f"{where.at('id')}: no {table} {pk} in this package")
            continue
        if text:
            target.translations = target.translations or {}
            target.translations.setdefault(language, {})[name] = text


def _check_ownership(parsed: dict[str, dict[uuid.UUID, Parsed]], jurisdiction: Jurisdiction, errors: list[str]) -> None:
    """An id that already belongs to another jurisdiction cannot be taken over."""
    for table, rows in parsed.items():
        ids = list(rows)
        for start in range(0, len(ids), BATCH):
            chunk = ids[start : start + BATCH]
            clashes = MODELS[table]._default_manager.filter(pk__in=chunk).exclude(jurisdiction=jurisdiction)
            for pk, code in sorted(clashes.values_list("pk", "jurisdiction__code"), key=lambda c: rows[c[0]].where.row):
                errors.append(f"{rows[pk].where.at('id')}: {table} {pk} belongs to the jurisdiction {code}")


def _check_references(
    parsed: dict[str, dict[uuid.UUID, Parsed]],
    jurisdiction: Jurisdiction,
    errors: list[str],
    warnings: list[str],
) -> None:
    wanted: dict[str, set[uuid.UUID]] = defaultdict(set)
    for table, rows in parsed.items():
        for column in COLUMNS[table].values():
            if column.target:
                for row in rows.values():
                    value = row.values.get(column.attname)
                    if value is not None and value not in parsed.get(column.target, {}):
                        wanted[column.target].add(value)
    existing: dict[str, set[uuid.UUID]] = {}
    elsewhere: dict[str, dict[uuid.UUID, str]] = {}
    for target, ids in wanted.items():
        existing[target], elsewhere[target] = set(), {}
        id_list = list(ids)
        for start in range(0, len(id_list), BATCH):
            chunk = id_list[start : start + BATCH]
            rows_found = MODELS[target]._default_manager.filter(pk__in=chunk).values_list("pk", "jurisdiction_id")
            for pk, owner in rows_found:
                if owner == jurisdiction.pk:
                    existing[target].add(pk)
                else:
                    elsewhere[target][pk] = str(owner)
    for table, rows in parsed.items():
        for name, column in COLUMNS[table].items():
            if not column.target:
                continue
            for row in rows.values():
                value = row.values.get(column.attname)
                if value is None or value in parsed.get(column.target, {}) or value in existing[column.target]:
                    continue
                if value in elsewhere[column.target]:
                    # never link across tenants, even loosely: the other city's data would show here
                    errors.append(f"{row.where.at(name)}: {column.target} {value} belongs to another jurisdiction")
                    continue
                message = f"{row.where.at(name)}: no {column.target} with the id {value}"
                if column.strict_reference:
                    errors.append(message)
                else:
                    warnings.append(message + "; kept as given")


class TableWriter:
    """Inserts and updates rows of one model with plain SQL: the ORM's per-object overhead would
    dominate an import of hundreds of thousands of rows."""

    def __init__(self, model: type[m.HsdsObject]) -> None:
        self.model = model
        pk = model._meta.pk
        self.fields = [pk, *(f for f in model._meta.concrete_fields if f is not pk)]
        self.attnames = [f.attname for f in self.fields]
        self.defaults = {f.attname: None if f.null else f.get_default() for f in self.fields}
        qn = connection.ops.quote_name
        table = qn(model._meta.db_table)  # names from the model, values as parameters
        columns = [qn(f.column or f.attname) for f in self.fields]
        placeholders = ", ".join(["%s"] * len(columns))
        self.insert_sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})"  # noqa: S608
        assignments = ", ".join(f"{c} = %s" for c in columns[1:])
        self.update_sql = f"UPDATE {table} SET {assignments} WHERE {columns[0]} = %s"  # noqa: S608
        self.connection = connections[DEFAULT_DB_ALIAS]
        self.preps = [self._prep(f) for f in self.fields]

    def _prep(self, f: Any) -> Callable[[Any], Any] | None:
        """How a parsed value becomes a database parameter; None when it already is one."""
        conn = self.connection
        uuid_valued = isinstance(f, models.UUIDField) or (
            f.is_relation and isinstance(f.target_field, models.UUIDField)
        )
        if uuid_valued:
            # SQLite keeps UUIDs as 32 hex digits; PostgreSQL's driver adapts UUID objects itself.
            return (lambda v: None if v is None else v.hex) if conn.vendor == "sqlite" else None
        if f.is_relation:
            return None
        if conn.vendor == "sqlite" and isinstance(f, models.JSONField):
            return lambda v: None if v is None else json.dumps(v, ensure_ascii=False)
        if (
            conn.vendor == "sqlite"
            and isinstance(f, models.DateField | models.TimeField)
            and not isinstance(f, models.DateTimeField)
        ):
            return lambda v: None if v is None else v.isoformat()
        if isinstance(f, models.DateField | models.TimeField | models.JSONField):
            return lambda value: None if value is None else f.get_db_prep_save(value, conn)
        return None

    def existing(self, ids: list[uuid.UUID]) -> dict[uuid.UUID, dict[str, Any]]:
        rows = self.model._default_manager.filter(pk__in=ids).values_list(*self.attnames)
        return {row[0]: dict(zip(self.attnames, row, strict=True)) for row in rows}

    def db_values(self, values: dict[str, Any]) -> list[Any]:
        return [
            prep(values[name]) if prep else values[name] for name, prep in zip(self.attnames, self.preps, strict=True)
        ]

    def insert(self, rows: list[dict[str, Any]]) -> None:
        if rows:
            with connection.cursor() as cursor:
                cursor.executemany(self.insert_sql, [self.db_values(r) for r in rows])

    def update(self, rows: list[dict[str, Any]]) -> None:
        if rows:
            with connection.cursor() as cursor:
                values = [self.db_values(r) for r in rows]
                cursor.executemany(self.update_sql, [[*v[1:], v[0]] for v in values])  # the id goes last


def _write(
    table: str,
    rows: dict[uuid.UUID, Parsed],
    jurisdiction: Jurisdiction,
    replace_translations: bool,
    report: Report,
) -> list[uuid.UUID]:
    """Upserts one table; returns the ids of the rows it created or changed. Fields a row does not
    give keep their current value; translations are replaced when the data carries them."""
    writer = TableWriter(MODELS[table])
    changed: list[uuid.UUID] = []
    ids = list(rows)
    now = timezone.now()
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        existing = writer.existing(chunk)
        new: list[dict[str, Any]] = []
        dirty: list[dict[str, Any]] = []
        for pk in chunk:
            row = rows[pk]
            before = existing.get(pk)
            desired = dict(before) if before else dict(writer.defaults)
            for name, value in row.values.items():
                desired[name] = writer.defaults[name] if value is None else value
            desired["id"] = pk
            desired["jurisdiction_id"] = jurisdiction.pk
            if replace_translations or row.translations or before is None:
                desired["translations"] = row.translations or {}
            if table == "service" and desired.get("last_modified") is None:
                desired["last_modified"] = now
            if before is None:
                new.append(desired)
            elif desired != before:
                dirty.append(desired)
            else:
                report.unchanged[table] += 1
        writer.insert(new)
        writer.update(dirty)
        report.created[table] += len(new)
        report.updated[table] += len(dirty)
        changed.extend(r["id"] for r in (*new, *dirty))
    return changed


def import_dataset(
    dataset: Dataset,
    *,
    jurisdiction: Jurisdiction,
    dry_run: bool = False,
    progress: Callable[[str, int], object] | None = None,
) -> Report:
    """Validates the whole dataset, then writes it in one transaction (or not at all when dry).
    `progress` hears of each table twice, validated then written: 2 × the dataset's rows in all."""
    parsed, errors, warnings = validate(dataset, jurisdiction, progress)
    if errors:
        raise ImportFailed(errors)
    report = Report(warnings=warnings)
    with transaction.atomic():
        touched_services: set[uuid.UUID] = set()
        for table, _file, _model in TABLES:
            rows = parsed.get(table)
            if not rows:
                continue
            changed = _write(table, rows, jurisdiction, dataset.has_translations, report)
            if progress:
                progress(table, len(rows))
            touched_services.update(_services_affected(table, changed, rows))
        if touched_services:
            search.reindex(sorted(touched_services))
        if dry_run:
            transaction.set_rollback(True)
    if not dry_run and dataset.count() >= ANALYZE_AFTER_ROWS:
        # fresh statistics, or the query planner keeps choosing plans made for an empty directory
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return report


def _services_affected(table: str, changed: Iterable[uuid.UUID], rows: dict[uuid.UUID, Parsed]) -> set[uuid.UUID]:
    changed = list(changed)
    if table == "service":
        return set(changed)
    if table == "attribute":
        return {rows[pk].values["link_id"] for pk in changed if rows[pk].values.get("link_id")}
    if table == "organization" and changed:
        return set(m.Service.objects.filter(organization_id__in=changed).values_list("id", flat=True))
    if table == "taxonomy_term" and changed:
        links = m.Attribute.objects.filter(taxonomy_term_id__in=changed).values_list("link_id", flat=True)
        return {pk for pk in links if pk is not None}
    return set()
