from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from welcoming.directory.synthetic import generate


class Command(BaseCommand):
    help = "Write a large synthetic HSDS data package (deterministic for a seed) for benchmarks."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, default=50_000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--out", type=Path, default=None, help="folder (default var/synthetic-COUNT-SEED)")

    def handle(self, *args: Any, **options: Any) -> None:
        out = options["out"] or Path("var") / f"synthetic-{options['count']}-{options['seed']}"
        counts = generate(out, options["count"], options["seed"])
        self.stdout.write(f"Wrote {counts['service']} services ({sum(counts.values())} rows) to {out}.")
        self.stdout.write(f"Import it with: manage.py hsds_import {out} --jurisdiction CODE")
