from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from welcoming.lib.tables import TableError
from welcoming.matching.models import BuildingIssue
from welcoming.matching.register import import_building_issues
from welcoming.places.models import Jurisdiction


class Command(BaseCommand):
    help = (
        "Import the city's register of building inspection issues from a CSV or XLSX file with the columns "
        "reference,address,kind,opened_on,closed_on,description (kind: "
        + ", ".join(BuildingIssue.Kind.values)
        + ", or a usual synonym such as 'bed bugs', 'punaises de lit', 'mold', 'moisissure'; dates as 2025-03-01; "
        "closed_on empty while the issue is open). Issues are matched on reference, so importing a file again "
        "changes nothing. Every bad cell is reported as file:row:column and then nothing is written. "
        "--dry-run checks and counts without writing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the register, .csv or .xlsx")
        parser.add_argument("--jurisdiction", required=True, help="the city's code, e.g. riverton")
        parser.add_argument("--dry-run", action="store_true", help="check and count, write nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if path.suffix.lower() not in (".csv", ".xlsx"):
            raise CommandError(f"{path}: give a .csv or .xlsx file")
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        jurisdiction = Jurisdiction.objects.filter(code=options["jurisdiction"]).first()
        if jurisdiction is None:
            raise CommandError(f"no jurisdiction with the code {options['jurisdiction']!r}")
        try:
            result = import_building_issues(path, jurisdiction, dry_run=options["dry_run"])
        except TableError as exc:
            raise CommandError(f"nothing was imported:\n{exc}") from exc
        verb = "would be" if result.dry_run else "were"
        self.stdout.write(
            f"{path.name}: {result.rows} rows; {result.created} issues {verb} created, {result.updated} updated, "
            f"{result.unchanged} unchanged."
        )
