"""The city's building register: inspection issues (pests, bedbugs, mould, fire safety...) imported from
a CSV or XLSX file by address, as Montréal's decision tool checks flats against its bedbug register.

A file has the columns `reference,address,kind,opened_on,closed_on,description`. Every problem is
reported as `file:row:column: message` before anything is written; then the whole file is written in
one transaction, matched on the register's own `reference`, so importing the same file again changes
nothing and a later file closes issues by giving them a `closed_on`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from welcoming.accounts.actors import Actor
from welcoming.accounts.audit import audit
from welcoming.accounts.models import AuditEntry
from welcoming.cases.services import NotAllowed
from welcoming.lib import text as textfold
from welcoming.lib.addresses import building_index, normalise
from welcoming.lib.tables import Column, TableError, read_table
from welcoming.lib.tables import text as required_text
from welcoming.matching.models import BuildingIssue, HousingPolicy
from welcoming.places.models import Jurisdiction

DEMO_FILE = Path(__file__).resolve().parent / "demo" / "building_register.csv"
DEMO_BLOCKING = ["bedbugs", "pests", "fire", "structure"]
MAX_BYTES = 20 * 1024 * 1024

Kind = BuildingIssue.Kind

# the words registers use for each kind, folded (case, accents), in the languages of our cities
KIND_WORDS: dict[str, str] = {}
for _kind, _words in {
    Kind.BEDBUGS: (
        "bedbugs",
        "bedbug",
        "bed bugs",
        "bed bug",
        "bed-bugs",
        "punaises",
        "punaise",
        "punaises de lit",
        "punaise de lit",
        "chinches",
        "chinches de cama",
    ),
    Kind.PESTS: (
        "pests",
        "pest",
        "vermin",
        "rodents",
        "rats",
        "mice",
        "cockroaches",
        "vermine",
        "rongeurs",
        "souris",
        "cafards",
        "coquerelles",
        "plagas",
        "plaga",
    ),
    Kind.MOULD: (
        "mould",
        "mold",
        "damp",
        "mould or damp",
        "moisissure",
        "moisissures",
        "humidite",
        "moho",
        "humedad",
    ),
    Kind.FIRE: (
        "fire",
        "fire safety",
        "smoke alarm",
        "incendie",
        "securite incendie",
        "incendio",
    ),
    Kind.HEATING: (
        "heating",
        "heat",
        "no heat",
        "heating or water",
        "water",
        "hot water",
        "chauffage",
        "eau chaude",
        "calefaccion",
    ),
    Kind.STRUCTURE: (
        "structure",
        "structural",
        "structural safety",
        "structurel",
        "structurelle",
        "estructura",
    ),
    Kind.OTHER: ("other", "autre", "otro"),
}.items():
    for _word in _words:
        KIND_WORDS[_word] = str(_kind)


def parse_kind(value: str) -> str:
    folded = " ".join(textfold.normalise(value).replace("-", " ").replace("_", " ").split())
    kind = KIND_WORDS.get(folded) or KIND_WORDS.get(folded.replace(" ", ""))
    if kind is None:
        raise ValueError(f"{value!r} is not a kind of issue we know (use one of: {', '.join(Kind.values)})")
    return kind


def parse_date(value: str) -> dt.date:
    """2025-03-01 (an XLSX date cell reads as "2025-03-01 00:00:00"); also 01/03/2025 day first."""
    raw = value.strip()
    try:
        return dt.date.fromisoformat(raw[:10])
    except ValueError:
        pass
    try:
        return dt.datetime.strptime(raw, "%d/%m/%Y").date()
    except ValueError:
        raise ValueError(f"{value!r} is not a date (write it as 2025-03-01)") from None


def parse_address(value: str) -> str:
    address = required_text(value)
    if len(address) > 300:
        raise ValueError("is longer than 300 characters")
    if not normalise(address):
        raise ValueError(f"{value!r} is not an address")
    return address


def parse_reference(value: str) -> str:
    reference = required_text(value)
    if len(reference) > 60:
        raise ValueError("is longer than 60 characters")
    return reference


COLUMNS = (
    Column("reference", parse_reference),
    Column("address", parse_address),
    Column("kind", parse_kind),
    Column("opened_on", parse_date),
    Column("closed_on", parse_date, required=False),
    Column("description", str, required=False, default=""),
)

_COMPARED = ("address", "building_key", "building_index", "kind", "description", "opened_on", "closed_on")


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    dry_run: bool = False
    references: list[str] = field(default_factory=list)  # those created or updated

    @property
    def written(self) -> int:
        return self.created + self.updated


def may_keep_register(actor: Actor) -> bool:
    """Only the city's coordinator (or the platform's admin) keeps the building register."""
    return actor.sees_whole_jurisdiction


def _check_rows(name: str, rows: Sequence[dict[str, Any]]) -> None:
    problems: list[str] = []
    seen: dict[str, int] = {}
    for row in rows:
        number = row["_row"]
        if row["reference"] in seen:
            problems.append(
                f"{name}:{number}:reference: {row['reference']!r} is already on row {seen[row['reference']]}"
            )
        seen.setdefault(row["reference"], number)
        if row["closed_on"] is not None and row["closed_on"] < row["opened_on"]:
            problems.append(f"{name}:{number}:closed_on: {row['closed_on']} is before opened_on {row['opened_on']}")
    if problems:
        raise TableError(problems)


def import_building_issues(
    path: Path,
    jurisdiction: Jurisdiction,
    *,
    dry_run: bool = False,
    actor: Actor | None = None,
    name: str | None = None,
) -> ImportResult:
    """Create or update the issues of `path` (CSV or XLSX) by reference. Raises `TableError` naming
    every bad cell as `file:row:column` and writes nothing then; `dry_run` counts without writing.
    `name` is the file's name in messages (an upload's own name rather than its temporary file's)."""
    if actor is not None and not may_keep_register(actor):
        raise NotAllowed("Only the city's coordinator keeps the building register.")
    shown = name or path.name
    try:
        rows = read_table(path, COLUMNS)
    except TableError as exc:
        if name and name != path.name:
            raise TableError([problem.replace(path.name, name, 1) for problem in exc.problems]) from exc
        raise
    _check_rows(shown, rows)
    result = ImportResult(rows=len(rows), dry_run=dry_run)
    now = timezone.now()
    with transaction.atomic():
        existing = {
            issue.reference: issue
            for issue in BuildingIssue.objects.select_for_update().filter(
                jurisdiction=jurisdiction, reference__in=[row["reference"] for row in rows]
            )
        }
        created: list[BuildingIssue] = []
        changed: list[BuildingIssue] = []
        for row in rows:
            values = {
                "address": row["address"],
                "building_key": normalise(row["address"])[:300],
                "building_index": building_index(row["address"]),
                "kind": row["kind"],
                "description": row["description"] or "",
                "opened_on": row["opened_on"],
                "closed_on": row["closed_on"],
            }
            issue = existing.get(row["reference"])
            if issue is None:
                created.append(BuildingIssue(jurisdiction=jurisdiction, reference=row["reference"], **values))
                result.references.append(row["reference"])
            elif any(getattr(issue, key) != value for key, value in values.items()):
                for key, value in values.items():
                    setattr(issue, key, value)
                issue.imported_at = now
                changed.append(issue)
                result.references.append(row["reference"])
            else:
                result.unchanged += 1
        result.created, result.updated = len(created), len(changed)
        if dry_run:
            return result
        BuildingIssue.objects.bulk_create(created, batch_size=1000)
        BuildingIssue.objects.bulk_update(changed, [*_COMPARED, "imported_at"], batch_size=1000)
        if actor is not None and result.written:
            audit(
                actor,
                AuditEntry.Action.UPDATE,
                record_type="matching.buildingissue",
                record_id=shown[:64],
                fields=list(_COMPARED),
                purpose="building register import",
            )
    return result


# -- reading the register


@dataclass(frozen=True)
class BuildingRow:
    address: str  # as the register writes it (the first issue's)
    kinds: list[str]
    since: dt.date
    count: int


def buildings_with_open_issues(jurisdiction: Jurisdiction, *, limit: int = 200) -> list[BuildingRow]:
    """The buildings with open issues, the longest-open first: what the coordinator's page lists."""
    grouped: dict[str, list[BuildingIssue]] = {}
    rows = BuildingIssue.objects.filter(jurisdiction=jurisdiction, closed_on__isnull=True).order_by("opened_on")
    for issue in rows.only("address", "building_index", "kind", "opened_on"):
        grouped.setdefault(issue.building_index, []).append(issue)
    out = [
        BuildingRow(
            address=issues[0].address,
            kinds=sorted({issue.kind for issue in issues}),
            since=issues[0].opened_on,
            count=len(issues),
        )
        for issues in grouped.values()
    ]
    out.sort(key=lambda row: (row.since, row.address))
    return out[:limit]


def register_counts(jurisdiction: Jurisdiction) -> dict[str, int]:
    issues = BuildingIssue.objects.filter(jurisdiction=jurisdiction)
    still_open = issues.filter(closed_on__isnull=True).count()
    return {"open": still_open, "closed": issues.count() - still_open}


# -- the demo


def load_demo_housing(jurisdiction: Jurisdiction, path: Path = DEMO_FILE) -> int:
    """The demo register and housing rules for `jurisdiction`: issues created or updated (0 the
    second time), and a `HousingPolicy` blocking bedbugs, pests, fire and structural issues when the
    city has none (one it already has is left as its coordinator set it)."""
    HousingPolicy.objects.get_or_create(jurisdiction=jurisdiction, defaults={"blocking_issues": DEMO_BLOCKING})
    return import_building_issues(path, jurisdiction).written
