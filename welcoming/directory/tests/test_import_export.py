from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from welcoming.directory import models as m
from welcoming.directory.tests.helpers import EXAMPLES
from welcoming.places.models import Jurisdiction

pytestmark = pytest.mark.django_db


def run(*args: Any) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err, verbosity=0)
    return out.getvalue(), err.getvalue()


def failure(*args: Any) -> str:
    err = io.StringIO()
    with pytest.raises(CommandError) as excinfo:
        call_command(*args, stdout=io.StringIO(), stderr=err, verbosity=0)
    return err.getvalue() + str(excinfo.value)


def snapshot(jurisdiction: Jurisdiction) -> dict[str, list[tuple[Any, ...]]]:
    from welcoming.directory.tables import COLUMNS, MODELS

    out = {}
    for table, model in MODELS.items():
        names = [c.attname for c in COLUMNS[table].values()]
        rows = (
            model._default_manager.filter(jurisdiction=jurisdiction).order_by("pk").values_list(*names, "translations")
        )
        out[table] = [tuple(r) for r in rows]
    return out


def package(tmp_path: Path) -> Path:
    folder = tmp_path / "package"
    shutil.copytree(EXAMPLES / "csv", folder)
    return folder


@pytest.mark.parametrize(
    "name",
    [
        "csv",
        "service_full.json",
        "organization_full.json",
        "service_list.json",
        "location.json",
        "service_at_location_full.json",
        "taxonomy_term.json",
    ],
)
def test_the_official_examples_import(riverton: Jurisdiction, name: str) -> None:
    out, _ = run("hsds_import", str(EXAMPLES / name), "--jurisdiction", "riverton")
    assert "Imported." in out
    assert m.Service.objects.filter(jurisdiction=riverton).count() >= (
        0 if "taxonomy" in name or "location." in name else 1
    )


def test_re_import_updates_by_id_instead_of_duplicating(riverton: Jurisdiction) -> None:
    run("hsds_import", str(EXAMPLES / "csv"), "--jurisdiction", "riverton")
    out, _ = run("hsds_import", str(EXAMPLES / "csv"), "--jurisdiction", "riverton")
    assert "service: 0 new, 0 updated, 1 unchanged" in out
    assert m.Service.objects.count() == 1


@pytest.mark.parametrize("fmt", ["datapackage", "json", "ndjson"])
def test_import_export_import_gives_identical_data(
    riverton: Jurisdiction, lakeside: Jurisdiction, tmp_path: Path, fmt: str
) -> None:
    run("hsds_import", str(EXAMPLES / "csv"), "--jurisdiction", "riverton")
    service = m.Service.objects.get()
    service.set_translation("fa", "name", "مشاوره")
    service.save()
    before = snapshot(riverton)
    target = tmp_path / {"datapackage": "out", "json": "out.json", "ndjson": "out.ndjson"}[fmt]
    run("hsds_export", str(target), "--format", fmt, "--jurisdiction", "riverton")
    m.Service.objects.all().delete()
    for model in (
        m.Organization,
        m.Location,
        m.TaxonomyTerm,
        m.Taxonomy,
        m.Attribute,
        m.Metadata,
        m.MetaTableDescription,
        m.Program,
    ):
        model._default_manager.all().delete()
    run("hsds_import", str(target), "--jurisdiction", "riverton")
    after = snapshot(riverton)
    if fmt == "datapackage":
        assert after == before
        return
    # JSON carries objects as the API serves them: attributes and metadata only where they are
    # attached to an object (the example's point at nothing), and NDJSON only services.
    tables: tuple[str, ...] = (
        "service",
        "phone",
        "schedule",
        "cost_option",
        "language",
        "service_at_location",
        "location",
        "address",
    )
    if fmt == "json":
        tables = tuple(t for t in before if t not in ("attribute", "metadata", "meta_table_description"))
    for table in tables:
        assert after[table] == before[table], table


def test_a_dry_run_writes_nothing(riverton: Jurisdiction) -> None:
    out, _ = run("hsds_import", str(EXAMPLES / "csv"), "--jurisdiction", "riverton", "--dry-run")
    assert "service: 1 new" in out and "Dry run" in out
    assert m.Service.objects.count() == 0


def test_every_error_is_reported_with_file_row_and_column_and_nothing_is_written(
    riverton: Jurisdiction, tmp_path: Path
) -> None:
    folder = package(tmp_path)
    services = (folder / "services.csv").read_text(encoding="utf-8").splitlines()
    services.append(
        services[1].replace("ac148810-d857-441c-9679-408f346de14b", "not-a-uuid").replace(",active,", ",sleeping,")
    )
    (folder / "services.csv").write_text("\n".join(services) + "\n", encoding="utf-8")
    phones = (folder / "phones.csv").read_text(encoding="utf-8").replace("1554f2e2", "1554f2e3")
    (folder / "phones.csv").write_text(phones.replace(",100,", ",a hundred,"), encoding="utf-8")
    message = failure("hsds_import", str(folder), "--jurisdiction", "riverton")
    assert "services.csv:3:id: 'not-a-uuid' is not a UUID" in message
    assert "services.csv:3:status: 'sleeping' is not one of" in message
    assert "phones.csv:2:extension: 'a hundred' is not a number" in message
    assert "nothing was imported" in message
    assert m.Organization.objects.count() == 0


def test_a_broken_reference_is_an_error(riverton: Jurisdiction, tmp_path: Path) -> None:
    folder = package(tmp_path)
    sal = (folder / "service_at_location.csv").read_text(encoding="utf-8").replace("ac148810-d857", "ac148810-dead")
    (folder / "service_at_location.csv").write_text(sal, encoding="utf-8")
    message = failure("hsds_import", str(folder), "--jurisdiction", "riverton")
    assert "service_at_location.csv:2:service_id: no service with the id ac148810-dead" in message
    assert m.Service.objects.count() == 0


def test_duplicate_ids_are_refused(riverton: Jurisdiction, tmp_path: Path) -> None:
    folder = package(tmp_path)
    lines = (folder / "organizations.csv").read_text(encoding="utf-8").splitlines()
    lines.append(lines[1].replace("Example Organization", "Another Organization", 1).replace(",2011,", ",2012,"))
    (folder / "organizations.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert "organizations.csv:3:id: duplicate id" in failure("hsds_import", str(folder), "--jurisdiction", "riverton")


def test_a_missing_required_column_is_named(riverton: Jurisdiction, tmp_path: Path) -> None:
    folder = package(tmp_path)
    lines = (folder / "addresses.csv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    keep = [i for i, h in enumerate(header) if h != "city"]
    rewritten = [",".join(line.split(",")[i] for i in keep) for line in lines]
    (folder / "addresses.csv").write_text("\n".join(rewritten) + "\n", encoding="utf-8")
    assert "addresses.csv:1:city: required column missing" in failure(
        "hsds_import", str(folder), "--jurisdiction", "riverton"
    )


def test_a_file_in_the_wrong_encoding_is_refused_with_where(riverton: Jurisdiction, tmp_path: Path) -> None:
    folder = package(tmp_path)
    text = (
        (folder / "organizations.csv").read_text(encoding="utf-8").replace("Example Organization", "Organización Ñandú")
    )
    (folder / "organizations.csv").write_bytes(text.encode("latin-1"))
    message = failure("hsds_import", str(folder), "--jurisdiction", "riverton")
    assert "organizations.csv:2: not UTF-8" in message
    assert m.Service.objects.count() == 0


def test_an_id_of_another_jurisdiction_cannot_be_taken_over(riverton: Jurisdiction, lakeside: Jurisdiction) -> None:
    run("hsds_import", str(EXAMPLES / "csv"), "--jurisdiction", "lakeside")
    message = failure("hsds_import", str(EXAMPLES / "csv"), "--jurisdiction", "riverton")
    assert "belongs to the jurisdiction lakeside" in message


def test_a_zip_with_paths_leaving_the_package_is_refused(riverton: Jurisdiction, tmp_path: Path) -> None:
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.write(EXAMPLES / "csv" / "services.csv", "services.csv")
        z.writestr("../../etc/cron.d/evil", "* * * * * root true")
    message = failure("hsds_import", str(archive), "--jurisdiction", "riverton")
    assert "points outside the package" in message
    assert not (tmp_path.parent.parent / "etc").exists()


def test_a_zip_bomb_is_refused(riverton: Jurisdiction, tmp_path: Path) -> None:
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.write(EXAMPLES / "csv" / "datapackage.json", "datapackage.json")
        z.writestr("services.csv", b"0" * (64 * 1024**2))
    assert "zip bomb" in failure("hsds_import", str(archive), "--jurisdiction", "riverton")


def test_a_zipped_package_imports(riverton: Jurisdiction, tmp_path: Path) -> None:
    archive = tmp_path / "package.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for file in (EXAMPLES / "csv").iterdir():
            z.write(file, f"package/{file.name}")
    run("hsds_import", str(archive), "--jurisdiction", "riverton")
    assert m.Service.objects.count() == 1


def test_a_huge_file_is_refused_before_reading(riverton: Jurisdiction, tmp_path: Path, monkeypatch: Any) -> None:
    from welcoming.directory import packages

    monkeypatch.setattr(packages, "MAX_FILE_BYTES", 1000)
    folder = package(tmp_path)
    message = failure("hsds_import", str(folder), "--jurisdiction", "riverton")
    assert "over the limit of 1000" in message


def test_broken_json_says_where(riverton: Jurisdiction, tmp_path: Path) -> None:
    bad = tmp_path / "bad.ndjson"
    bad.write_text(
        '{"id": "ac148810-d857-441c-9679-408f346de14b", "name": "x", "status": "active"}\n{"id": \n', encoding="utf-8"
    )
    assert "bad.ndjson:2:" in failure("hsds_import", str(bad), "--jurisdiction", "riverton")


def test_a_reference_into_another_jurisdiction_is_refused(
    riverton: Jurisdiction, lakeside: Jurisdiction, tmp_path: Path
) -> None:
    run("hsds_import", str(EXAMPLES / "csv"), "--jurisdiction", "lakeside")
    folder = tmp_path / "loc"
    folder.mkdir()
    (folder / "locations.csv").write_text(
        "id,location_type,organization_id,name\n"
        "6e1b7f8e-8a43-4b0b-a0c5-5f1f3c1b2a10,physical,d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610,Riverton hall\n",
        encoding="utf-8",
    )
    message = failure("hsds_import", str(folder), "--jurisdiction", "riverton")
    assert (
        "locations.csv:2:organization_id: organization d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610 belongs to another"
        in message
    )
