from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from welcoming.lib.addresses import building_index
from welcoming.lib.tables import TableError
from welcoming.matching import housing
from welcoming.matching.models import BuildingIssue, HousingPolicy
from welcoming.matching.register import import_building_issues, load_demo_housing, parse_kind
from welcoming.places.models import Jurisdiction

pytestmark = pytest.mark.django_db

HEADER = "reference,address,kind,opened_on,closed_on,description\n"
GOOD = (
    HEADER
    + "A-1,12 Harbour Street,bedbugs,2025-11-04,,Three units.\n"
    + 'A-2,"12 Harbour St., Apt 7",bed bugs,2025-12-15,,\n'
    + "A-3,48 Mill Road,moisissure,2025-10-20,,Basement.\n"
    + "A-4,48 Mill Rd,pests,2024-03-11,2024-06-30,Closed.\n"
)


def write(tmp_path: Path, content: str, name: str = "register.csv") -> Path:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return path


def test_a_good_file_creates_every_issue_keyed_by_its_building(tmp_path: Path, riverton: Jurisdiction) -> None:
    result = import_building_issues(write(tmp_path, GOOD), riverton)
    assert (result.rows, result.created, result.updated, result.unchanged) == (4, 4, 0, 0)
    harbour = BuildingIssue.objects.filter(building_index=building_index("12 harbour st"))
    assert sorted(harbour.values_list("reference", "kind")) == [("A-1", "bedbugs"), ("A-2", "bedbugs")]
    assert BuildingIssue.objects.get(reference="A-3").kind == "mould"
    assert BuildingIssue.objects.get(reference="A-3").building_key == "48 mill rd"


def test_importing_the_same_file_again_changes_nothing(tmp_path: Path, riverton: Jurisdiction) -> None:
    path = write(tmp_path, GOOD)
    import_building_issues(path, riverton)
    stamps = dict(BuildingIssue.objects.values_list("reference", "imported_at"))
    again = import_building_issues(path, riverton)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    assert dict(BuildingIssue.objects.values_list("reference", "imported_at")) == stamps


def test_a_later_file_closes_an_issue_by_its_reference(tmp_path: Path, riverton: Jurisdiction) -> None:
    import_building_issues(write(tmp_path, GOOD), riverton)
    later = GOOD.replace("A-3,48 Mill Road,moisissure,2025-10-20,,", "A-3,48 Mill Road,mould,2025-10-20,2026-01-15,")
    result = import_building_issues(write(tmp_path, later), riverton)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 3)
    assert result.references == ["A-3"]
    assert housing.open_issues_at(riverton, "48 Mill Road") == ()


def test_each_broken_cell_is_named_by_row_and_column_and_nothing_is_written(
    tmp_path: Path, riverton: Jurisdiction
) -> None:
    broken = (
        HEADER
        + "B-1,12 Harbour Street,bedbugs,2025-11-04,,fine\n"
        + "B-2,,bedbugs,2025-11-04,,no address\n"
        + "B-3,5 Quay Street,termites,2025-11-04,,unknown kind\n"
        + "B-4,5 Quay Street,fire,last tuesday,,bad date\n"
        + "B-5,5 Quay Street,fire,2025-11-04,2025-10-01,closed before opened\n"
        + "B-1,6 Quay Street,fire,2025-11-04,,same reference\n"
    )
    with pytest.raises(TableError) as caught:
        import_building_issues(write(tmp_path, broken), riverton)
    problems = "\n".join(caught.value.problems)
    assert "register.csv:3:address: is empty" in problems
    assert "register.csv:4:kind: 'termites' is not a kind of issue we know" in problems
    assert "register.csv:5:opened_on: 'last tuesday' is not a date" in problems
    assert not BuildingIssue.objects.exists()


def test_rows_that_repeat_a_reference_or_close_before_they_open_are_refused(
    tmp_path: Path, riverton: Jurisdiction
) -> None:
    broken = (
        HEADER
        + "B-1,12 Harbour Street,bedbugs,2025-11-04,,fine\n"
        + "B-5,5 Quay Street,fire,2025-11-04,2025-10-01,closed before opened\n"
        + "B-1,6 Quay Street,fire,2025-11-04,,same reference\n"
    )
    with pytest.raises(TableError) as caught:
        import_building_issues(write(tmp_path, broken), riverton)
    assert caught.value.problems == [
        "register.csv:3:closed_on: 2025-10-01 is before opened_on 2025-11-04",
        "register.csv:4:reference: 'B-1' is already on row 2",
    ]
    assert not BuildingIssue.objects.exists()


def test_a_missing_column_is_named(tmp_path: Path, riverton: Jurisdiction) -> None:
    with pytest.raises(TableError, match="missing column 'kind'"):
        import_building_issues(write(tmp_path, "reference,address,opened_on\nX,1 A St,2025-01-01\n"), riverton)


def test_an_xlsx_register_with_date_cells_imports_like_a_csv(tmp_path: Path, riverton: Jurisdiction) -> None:
    import datetime as dt

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["reference", "address", "kind", "opened_on", "closed_on", "description"])
    sheet.append(["X-1", "12 Harbour St.", "Bed bugs", dt.datetime(2025, 11, 4), None, "From the sheet"])
    sheet.append(["X-2", "48 Mill Road", "Mold", "2025-10-20", None, None])
    path = tmp_path / "register.xlsx"
    workbook.save(path)
    result = import_building_issues(path, riverton)
    assert result.created == 2
    assert [issue.kind for issue in housing.open_issues_at(riverton, "12 Harbour Street")] == ["bedbugs"]
    assert str(BuildingIssue.objects.get(reference="X-1").opened_on) == "2025-11-04"


def test_a_dry_run_counts_and_writes_nothing(tmp_path: Path, riverton: Jurisdiction) -> None:
    result = import_building_issues(write(tmp_path, GOOD), riverton, dry_run=True)
    assert (result.created, result.dry_run) == (4, True)
    assert not BuildingIssue.objects.exists()


def test_each_city_keeps_its_own_register(tmp_path: Path, riverton: Jurisdiction, lakeside: Jurisdiction) -> None:
    import_building_issues(write(tmp_path, GOOD), riverton)
    assert housing.open_issues_at(lakeside, "12 Harbour Street") == ()
    assert len(housing.open_issues_at(riverton, "12 Harbour Street")) == 2


@pytest.mark.parametrize(
    ("written", "kind"),
    [
        ("Bed bugs", "bedbugs"),
        ("punaises de lit", "bedbugs"),
        ("Moisissure", "mould"),
        ("mold", "mould"),
        ("Fire safety", "fire"),
        ("Chauffage", "heating"),
        ("STRUCTURAL", "structure"),
    ],
)
def test_the_usual_words_for_each_kind_are_understood(written: str, kind: str) -> None:
    assert parse_kind(written) == kind


def test_the_command_reports_its_counts_and_a_dry_run_writes_nothing(tmp_path: Path, riverton: Jurisdiction) -> None:
    path = write(tmp_path, GOOD)
    out = StringIO()
    call_command("import_building_issues", str(path), "--jurisdiction", "riverton", "--dry-run", stdout=out)
    assert "4 issues would be created, 0 updated, 0 unchanged" in out.getvalue()
    assert not BuildingIssue.objects.exists()
    call_command("import_building_issues", str(path), "--jurisdiction", "riverton", stdout=out)
    call_command("import_building_issues", str(path), "--jurisdiction", "riverton", stdout=out)
    assert "0 issues were created, 0 updated, 4 unchanged" in out.getvalue()


def test_the_command_names_the_bad_cells(tmp_path: Path, riverton: Jurisdiction) -> None:
    path = write(tmp_path, HEADER + "C-1,1 Quay St,termites,2025-01-01,,\n")
    with pytest.raises(CommandError, match=r"register\.csv:2:kind"):
        call_command("import_building_issues", str(path), "--jurisdiction", "riverton")


def test_the_command_refuses_an_unknown_city(tmp_path: Path, db: None) -> None:
    with pytest.raises(CommandError, match="no jurisdiction"):
        call_command("import_building_issues", str(write(tmp_path, GOOD)), "--jurisdiction", "atlantis")


def test_the_demo_register_and_rules_load_once(riverton: Jurisdiction) -> None:
    assert load_demo_housing(riverton) == 20
    assert load_demo_housing(riverton) == 0
    policy = housing.policy_for(riverton)
    assert policy.blocking_issues == {"bedbugs", "pests", "fire", "structure"}
    assert HousingPolicy.objects.count() == 1
    assert [i.kind for i in housing.open_issues_at(riverton, "Apt 2, 12 Harbour St.")] == ["bedbugs", "bedbugs"]
    assert sorted(i.kind for i in housing.open_issues_at(riverton, "48 mill road")) == ["heating", "mould"]
    assert housing.open_issues_at(riverton, "55 Juniper Street") == ()


def test_the_demo_loads_riverton_s_register_with_its_variant_spellings(db: None) -> None:
    call_command("load_demo", stdout=StringIO())
    riverton = Jurisdiction.objects.get(code="riverton")
    assert BuildingIssue.objects.filter(jurisdiction=riverton).count() == 20
    assert BuildingIssue.objects.filter(jurisdiction__code="lakeside").count() == 0
    written = set(
        BuildingIssue.objects.filter(reference__in=["RVT-INS-2024-0112", "RVT-INS-2024-0113"]).values_list(
            "address", flat=True
        )
    )
    assert written == {"12 Harbour Street", "12 Harbour St., Apt 7"}
    assert len({i.building_index for i in BuildingIssue.objects.filter(address__in=written)}) == 1
