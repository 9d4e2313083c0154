"""Reading and writing HSDS files: tabular data packages (folder or zip) and JSON / NDJSON.

Translations travel as follows. In a data package, an extra resource `translations.csv` with the
columns `table,id,field,language,value` (one row per translated text; the HSDS columns hold the
text in the jurisdiction's default language). In JSON, each object carries a `translations`
extension property, `{"fr": {"name": "..."}}`, next to its HSDS fields.

Hostile input is refused before anything is read into the database: files that are not UTF-8,
over-long fields, zips whose entries leave the package (`../`, absolute paths) or that inflate
beyond the limits (zip bombs).
"""

from __future__ import annotations

import csv
import io
import json
import os
import zipfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any

from welcoming.directory import hsds
from welcoming.directory import models as m
from welcoming.directory.importer import Dataset, ImportFailed, Where
from welcoming.directory.tables import COLUMNS, FILES, MODELS, TABLES, TRANSLATIONS_COLUMNS, TRANSLATIONS_FILE

MAX_FILE_BYTES = int(os.environ.get("WELCOMING_IMPORT_MAX_FILE_BYTES", 1024**3))
MAX_TOTAL_BYTES = int(os.environ.get("WELCOMING_IMPORT_MAX_TOTAL_BYTES", 4 * 1024**3))
MAX_ZIP_RATIO = 200
MAX_FIELD_CHARS = 1_000_000
csv.field_size_limit(MAX_FIELD_CHARS)

FILE_TABLES = {file: table for table, file in FILES.items()}


class Source:
    """The files of a package, from a folder or a zip, size-checked as they are read."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.zip: zipfile.ZipFile | None = None
        self.prefix = ""
        if path.is_file():
            try:
                self.zip = zipfile.ZipFile(path)
            except zipfile.BadZipFile:
                raise ImportFailed([f"{path.name}: not a zip file, a folder, or JSON"]) from None
            self._check_zip()

    def _check_zip(self) -> None:
        assert self.zip is not None
        errors = []
        total = 0
        names = []
        for info in self.zip.infolist():
            name = info.filename
            pure = PurePosixPath(name)
            if name.startswith(("/", "\\")) or ".." in pure.parts or ":" in name or "\\" in name:
                errors.append(f"{self.path.name}:{name}: the entry points outside the package; refused")
                continue
            if info.is_dir():
                continue
            total += info.file_size
            if info.file_size > MAX_FILE_BYTES:
                errors.append(
                    f"{self.path.name}:{name}: {info.file_size} bytes once unpacked, over the limit of {MAX_FILE_BYTES}"
                )
            if (
                info.compress_size
                and info.file_size / info.compress_size > MAX_ZIP_RATIO
                and info.file_size > 10 * 1024**2
            ):
                errors.append(
                    f"{self.path.name}:{name}: compressed {info.file_size // info.compress_size}:1, a zip bomb; refused"
                )
            names.append(name)
        if total > MAX_TOTAL_BYTES:
            errors.append(f"{self.path.name}: {total} bytes once unpacked, over the limit of {MAX_TOTAL_BYTES}")
        if errors:
            raise ImportFailed(errors)
        # a package zipped with its folder: datapackage.json one level down
        roots = {n.rsplit("/", 1)[0] + "/" for n in names if n.endswith("datapackage.json") and n.count("/") == 1}
        if "datapackage.json" not in names and len(roots) == 1:
            self.prefix = roots.pop()

    def names(self) -> list[str]:
        if self.zip is not None:
            return [
                n[len(self.prefix) :] for n in self.zip.namelist() if n.startswith(self.prefix) and not n.endswith("/")
            ]
        return [p.name for p in sorted(self.path.iterdir()) if p.is_file()]

    def read(self, name: str) -> bytes:
        if self.zip is not None:
            with self.zip.open(self.prefix + name) as handle:
                data = handle.read(MAX_FILE_BYTES + 1)  # the header may lie about the size
        else:
            file = self.path / name
            if file.stat().st_size > MAX_FILE_BYTES:
                raise ImportFailed([f"{name}: {file.stat().st_size} bytes, over the limit of {MAX_FILE_BYTES}"])
            data = file.read_bytes()
        if len(data) > MAX_FILE_BYTES:
            raise ImportFailed([f"{name}: over the limit of {MAX_FILE_BYTES} bytes"])
        return data


def decode(name: str, data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportFailed(
            [f"{name}:{line}: not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); save the file as UTF-8"]
        ) from None


def read_csv(name: str, data: bytes) -> Iterator[tuple[int, dict[str, str]]]:
    text = decode(name, data)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if not header:
            return
        header = [h.strip() for h in header]
        duplicates = {h for h in header if header.count(h) > 1}
        if duplicates:
            raise ImportFailed([f"{name}:1:{sorted(duplicates)[0]}: the column appears twice"])
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            if len(values) != len(header):
                found = f"{len(values)} values for {len(header)} columns"
                raise ImportFailed([f"{name}:{reader.line_num}: {found}; check quoting and commas"])
            yield reader.line_num, dict(zip(header, values, strict=True))
    except csv.Error as exc:
        raise ImportFailed([f"{name}:{reader.line_num}: {exc}"]) from None


def read_package(path: Path) -> Dataset:
    source = Source(path)
    names = set(source.names())
    dataset = Dataset()
    errors: list[str] = []
    if "datapackage.json" not in names and not names & set(FILES.values()):
        raise ImportFailed([f"{path.name}: no datapackage.json and no HSDS CSV files found"])
    files = dict(FILE_TABLES)
    if "datapackage.json" in names:
        files.update(_resources(source, errors))
    for file, table in files.items():
        if file not in names:
            continue
        required = [name for name, column in COLUMNS[table].items() if column.required or name == "id"]
        try:
            for line, row in read_csv(file, source.read(file)):
                if line == 2 or not dataset.tables.get(table):
                    missing = [c for c in required if c not in row]
                    for column in missing:
                        errors.append(f"{file}:1:{column}: required column missing")
                    if missing:
                        break
                dataset.add(table, row, Where(file, line))
        except ImportFailed as exc:
            errors.extend(exc.errors)
    if TRANSLATIONS_FILE in names:
        dataset.has_translations = True
        try:
            for line, row in read_csv(TRANSLATIONS_FILE, source.read(TRANSLATIONS_FILE)):
                missing = [c for c in TRANSLATIONS_COLUMNS if c not in row]
                if missing:
                    errors.append(f"{TRANSLATIONS_FILE}:1:{missing[0]}: required column missing")
                    break
                dataset.loose_translations.append(
                    (
                        Where(TRANSLATIONS_FILE, line),
                        row["table"],
                        row["id"],
                        row["field"],
                        row["language"],
                        row["value"],
                    )
                )
        except ImportFailed as exc:
            errors.extend(exc.errors)
    if errors:
        raise ImportFailed(errors)
    return dataset


def _resources(source: Source, errors: list[str]) -> dict[str, str]:
    """File → table from datapackage.json; the descriptor may rename files."""
    try:
        descriptor = json.loads(decode("datapackage.json", source.read("datapackage.json")))
    except json.JSONDecodeError as exc:
        errors.append(f"datapackage.json:{exc.lineno}:{exc.colno}: not valid JSON ({exc.msg})")
        return {}
    out: dict[str, str] = {}
    for resource in descriptor.get("resources", []) if isinstance(descriptor, dict) else []:
        name, file = resource.get("name"), resource.get("path")
        if name in MODELS and isinstance(file, str):
            if ".." in PurePosixPath(file).parts or file.startswith("/"):
                errors.append(f"datapackage.json: resource {name} points outside the package ({file})")
                continue
            out[file] = name
    return out


# --- JSON ---------------------------------------------------------------------------------------

IMPORT_NESTING: dict[type, list[tuple[str, str, bool]]] = {
    model: list(children) for model, children in hsds.NESTING.items()
}
IMPORT_NESTING[m.Organization] = [*IMPORT_NESTING[m.Organization], ("services", "services", True)]
IMPORT_NESTING[m.ServiceAtLocation] = [*IMPORT_NESTING[m.ServiceAtLocation], ("service", "service", False)]
BUNDLE_KEYS = {
    "services": m.Service,
    "organizations": m.Organization,
    "locations": m.Location,
    "taxonomies": m.Taxonomy,
    "taxonomy_terms": m.TaxonomyTerm,
    "service_at_locations": m.ServiceAtLocation,
}


def _flatten(
    obj: Any,
    model: type[m.HsdsObject],
    dataset: Dataset,
    where: Where,
    path: str,
    parent: tuple[type[m.HsdsObject], Any] | None = None,
) -> Any:
    """Adds obj and everything nested in it to the dataset; returns obj's id."""
    if not isinstance(obj, dict):
        raise ImportFailed([f"{where.at(path)}: expected an object, got {type(obj).__name__}"])
    table = model.hsds_name
    values: dict[str, Any] = {}
    nested_keys = {key for _attr, key, _many in IMPORT_NESTING.get(model, [])} | {"attributes", "metadata"}
    for key, value in obj.items():
        if key in nested_keys or key in ("translations", "text_language"):
            continue
        values[key] = value
    if parent is not None:
        parent_model, parent_id = parent
        for f in model._meta.concrete_fields:
            if f.is_relation and f.related_model is parent_model and f.attname not in values:
                values[f.attname] = parent_id
                break
    own_id = values.get("id")
    for attr, key, many in IMPORT_NESTING.get(model, []):
        if key not in obj or obj[key] is None:
            continue
        child_model = _child_model(model, attr)
        if many:
            if not isinstance(obj[key], list):
                raise ImportFailed([f"{where.at(f'{path}.{key}')}: expected a list"])
            for index, child in enumerate(obj[key]):
                _flatten(child, child_model, dataset, where, f"{path}.{key}[{index}]", (model, own_id))
        else:
            child_id = _flatten(obj[key], child_model, dataset, where, f"{path}.{key}")
            fk = next(f for f in model._meta.concrete_fields if f.name == attr)
            values.setdefault(fk.attname, child_id)
    for key, child_model in (("attributes", m.Attribute), ("metadata", m.Metadata)):
        for index, child in enumerate(obj.get(key) or []):
            if not isinstance(child, dict):
                raise ImportFailed([f"{where.at(f'{path}.{key}[{index}]')}: expected an object"])
            child = dict(child)
            link = ("link_id", "link_entity") if key == "attributes" else ("resource_id", "resource_type")
            child.setdefault(link[0], own_id)
            child.setdefault(link[1], table)
            _flatten(child, child_model, dataset, where, f"{path}.{key}[{index}]")
    if model is m.Attribute and isinstance(obj.get("taxonomy_term"), dict):
        values["taxonomy_term_id"] = _flatten(
            obj["taxonomy_term"], m.TaxonomyTerm, dataset, where, f"{path}.taxonomy_term"
        )
        values.pop("taxonomy_term", None)
    dataset.add(
        table,
        values,
        where,
        translations=obj.get("translations"),
    )
    return own_id


def _child_model(model: type[m.HsdsObject], attr: str) -> type[m.HsdsObject]:
    return model._meta.get_field(attr).related_model  # type: ignore[return-value]


def read_json(path: Path) -> Dataset:
    """HSDS JSON as the API serves it: one object, a list, an HSDS Page, a bundle, or NDJSON lines."""
    name = path.name
    if path.stat().st_size > MAX_FILE_BYTES:
        raise ImportFailed([f"{name}: {path.stat().st_size} bytes, over the limit of {MAX_FILE_BYTES}"])
    text = decode(name, path.read_bytes())
    dataset = Dataset(has_translations=False)
    errors: list[str] = []
    documents: list[tuple[int, Any]] = []
    if name.endswith((".ndjson", ".jsonl")):
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                documents.append((number, json.loads(line)))
            except json.JSONDecodeError as exc:
                errors.append(f"{name}:{number}:{exc.colno}: not valid JSON ({exc.msg})")
    else:
        try:
            documents.append((1, json.loads(text)))
        except json.JSONDecodeError as exc:
            errors.append(f"{name}:{exc.lineno}:{exc.colno}: not valid JSON ({exc.msg})")
    if errors:
        raise ImportFailed(errors)
    for number, document in documents:
        try:
            for position, model, item in _objects(document):
                _flatten(item, model, dataset, Where(name, number if len(documents) > 1 else position), "$")
        except ImportFailed as exc:
            errors.extend(exc.errors)
    if errors:
        raise ImportFailed(errors)
    dataset.has_translations = any(row.translations for rows in dataset.tables.values() for row in rows)
    return dataset


def _kind(obj: Any) -> type[m.HsdsObject]:
    """Which HSDS object a top-level JSON object is, from the fields only it has."""
    if not isinstance(obj, dict) or "status" in obj or "service_at_locations" in obj:
        return m.Service
    if "location_type" in obj:
        return m.Location
    if ("service_id" in obj and "location_id" in obj) or ("service" in obj and "location" in obj):
        return m.ServiceAtLocation
    if obj.keys() & {"services", "programs", "organization_identifiers", "tax_status", "year_incorporated"}:
        return m.Organization
    if set(obj) <= {"id", "name", "description", "uri", "version", "metadata", "translations"}:
        return m.Taxonomy
    if obj.keys() & {"taxonomy_detail", "term_uri", "parent_id", "code"}:
        return m.TaxonomyTerm
    return m.Service


def _objects(document: Any) -> Iterator[tuple[int, type[m.HsdsObject], Any]]:
    if isinstance(document, list):
        for index, item in enumerate(document, start=1):
            yield index, _kind(item), item
    elif isinstance(document, dict) and "contents" in document:
        for index, item in enumerate(document["contents"] or [], start=1):
            yield index, _kind(item), item
    elif isinstance(document, dict) and any(k in document for k in BUNDLE_KEYS) and "id" not in document:
        for key, model in BUNDLE_KEYS.items():
            for index, item in enumerate(document.get(key) or [], start=1):
                yield index, model, item
    else:
        yield 1, _kind(document), document


# --- export -------------------------------------------------------------------------------------


def table_rows(table: str, jurisdiction_id: int) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """(HSDS row, translations) of every record of a table, in a stable order."""
    model = MODELS[table]
    cols = COLUMNS[table]
    for obj in model._default_manager.filter(jurisdiction_id=jurisdiction_id).order_by("pk").iterator(chunk_size=2000):
        row = {name: hsds.scalar(getattr(obj, column.attname)) for name, column in cols.items()}
        yield row, obj.translations


def write_package(out: Path, jurisdiction_id: int) -> dict[str, int]:
    """A tabular data package: one CSV per HSDS table, translations.csv and datapackage.json."""
    out.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    resources = []
    with (out / TRANSLATIONS_FILE).open("w", encoding="utf-8", newline="") as tfile:
        translations = csv.writer(tfile)
        translations.writerow(TRANSLATIONS_COLUMNS)
        for table, file, _model in TABLES:
            names = list(COLUMNS[table])
            with (out / file).open("w", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow(names)
                count = 0
                for row, texts in table_rows(table, jurisdiction_id):
                    writer.writerow(["" if row[n] is None else row[n] for n in names])
                    for language in sorted(texts or {}):
                        for name, text in sorted(texts[language].items()):
                            translations.writerow([table, row["id"], name, language, text])
                    count += 1
            counts[table] = count
            resources.append(_resource(table, file, names))
    resources.append(_resource("translations", TRANSLATIONS_FILE, TRANSLATIONS_COLUMNS))
    descriptor = {
        "name": "hsds-export",
        "profile": "tabular-data-package",
        "version": "3.0.0",
        "license": {"name": "CC-BY-SA-4.0"},
        "resources": resources,
    }
    (out / "datapackage.json").write_text(json.dumps(descriptor, indent=2, ensure_ascii=False), encoding="utf-8")
    return counts


def _resource(name: str, file: str, fields: list[str]) -> dict[str, Any]:
    return {
        "name": name,
        "path": file,
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "schema": {
            "fields": [{"name": f, "type": "string"} for f in fields],
            "primaryKey": "id" if "id" in fields else None,
        },
    }


def json_objects(jurisdiction: Any, key: str) -> Iterator[dict[str, Any]]:
    """Full HSDS objects of one kind, with the `translations` extension, a chunk at a time."""
    from welcoming.directory import selectors

    loaders: dict[str, Any] = {
        "taxonomies": lambda qs: qs,
        "taxonomy_terms": lambda qs: qs,
        "organizations": selectors.full_organizations,
        "locations": selectors.full_locations,
        "services": selectors.full_services,
    }
    model = BUNDLE_KEYS[key]
    ids = list(model._default_manager.filter(jurisdiction=jurisdiction).order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), 500):
        chunk = list(loaders[key](model._default_manager.filter(pk__in=ids[start : start + 500]).order_by("pk")))
        options = hsds.Options(language=None, source_language=jurisdiction.default_language, show_confidential=True)
        options.attributes, options.metadata = selectors.annotations_for(selectors.object_ids(chunk))
        for obj in chunk:
            yield hsds.to_hsds(obj, options)


def write_json(out: Path, jurisdiction: Any, ndjson: bool) -> int:
    """JSON: a bundle of every kind of object; NDJSON: one full service per line."""
    count = 0
    with out.open("w", encoding="utf-8") as handle:
        if ndjson:
            for item in json_objects(jurisdiction, "services"):
                handle.write(json.dumps(item, ensure_ascii=False) + "\n")
                count += 1
            return count
        handle.write('{"hsds_version": "3.0"')
        for key in ("taxonomies", "taxonomy_terms", "organizations", "locations", "services"):
            handle.write(f',\n"{key}": [')
            for index, item in enumerate(json_objects(jurisdiction, key)):
                handle.write(("," if index else "") + "\n" + json.dumps(item, ensure_ascii=False))
                count += 1
            handle.write("\n]")
        handle.write("}\n")
    return count
