from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from welcoming.directory.importer import ImportFailed, import_dataset
from welcoming.directory.packages import read_json, read_package
from welcoming.places.selectors import UnknownJurisdiction, jurisdiction_by_code


class Command(BaseCommand):
    help = (
        "Import an HSDS 3.0 tabular data package (folder or .zip with datapackage.json and CSVs) or HSDS "
        "JSON / NDJSON into a jurisdiction. Every row is validated and every error reported as "
        "file:row:column; nothing is written unless everything is valid. Re-importing updates by id."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--jurisdiction", required=True, help="code of the jurisdiction, e.g. riverton")
        parser.add_argument("--dry-run", action="store_true", help="validate and count, write nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        try:
            jurisdiction = jurisdiction_by_code(options["jurisdiction"])
        except UnknownJurisdiction as exc:
            raise CommandError(str(exc)) from exc
        if not path.exists():
            raise CommandError(f"{path}: no such file or folder")
        try:
            is_json = path.is_file() and path.suffix.lower() in (".json", ".ndjson", ".jsonl")
            dataset = read_json(path) if is_json else read_package(path)
            bar_options = {"unit": "rows", "disable": options["verbosity"] < 1, "file": self.stderr}
            with tqdm(total=2 * dataset.count(), desc="validate, then write", **bar_options) as bar:
                report = import_dataset(
                    dataset,
                    jurisdiction=jurisdiction,
                    dry_run=options["dry_run"],
                    progress=lambda _table, n: bar.update(n),
                )
        except ImportFailed as exc:
            for error in exc.errors:
                self.stderr.write(error)
            raise CommandError(f"{len(exc.errors)} error(s) in {path}; nothing was imported.") from exc
        for warning in report.warnings:
            self.stderr.write(f"warning: {warning}")
        self.stdout.write(report.summary())
        self.stdout.write("Dry run: nothing was written." if options["dry_run"] else "Imported.")
