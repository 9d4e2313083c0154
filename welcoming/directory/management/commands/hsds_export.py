from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from welcoming.directory.packages import write_json, write_package
from welcoming.places.selectors import UnknownJurisdiction, jurisdiction_by_code


class Command(BaseCommand):
    help = (
        "Export a jurisdiction's directory: an HSDS 3.0 tabular data package (a folder of CSVs with "
        "datapackage.json and translations.csv), a JSON bundle, or NDJSON with one full service per line."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out", type=Path)
        parser.add_argument("--format", choices=["datapackage", "json", "ndjson"], default="datapackage")
        parser.add_argument("--jurisdiction", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            jurisdiction = jurisdiction_by_code(options["jurisdiction"])
        except UnknownJurisdiction as exc:
            raise CommandError(str(exc)) from exc
        out: Path = options["out"]
        if options["format"] == "datapackage":
            counts = write_package(out, jurisdiction.pk)
            total = sum(counts.values())
        else:
            total = write_json(out, jurisdiction, ndjson=options["format"] == "ndjson")
        self.stdout.write(f"Wrote {total} objects of {jurisdiction.code} to {out}.")
