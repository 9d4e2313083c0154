from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from welcoming.lib.i18n import LANGUAGE_CODES
from welcoming.places.selectors import UnknownJurisdiction, default_jurisdiction
from welcoming.triage import evaluation, services
from welcoming.triage.engine import Query, Result


class Command(BaseCommand):
    help = (
        "Score the triage on the evaluation set against the loaded demo city: per language, need accuracy "
        "(expected need in the top 3), precision@5 (share of the top 5 services that serve it) and emergency "
        "recall. Goal: 0.95 or more on each."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", type=Path, default=evaluation.EVAL_FILE)
        parser.add_argument("--misses", action="store_true", help="list every statement that missed")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            jurisdiction = default_jurisdiction()
        except UnknownJurisdiction as exc:
            raise CommandError(f"{exc} Load the demo first: manage.py load_demo") from exc

        def run(query: Query) -> Result:
            return services.triage(jurisdiction=jurisdiction, query=query, record=False)

        scores = evaluation.evaluate(evaluation.read(options["file"]), run)
        self.stdout.write(f"{'lang':<5} {'n':>4} {'needs@3':>8} {'p@5':>6} {'emerg.':>7} {'false alarms':>13}")
        for language in LANGUAGE_CODES:
            s = scores.get(language)
            if s is None:
                continue
            self.stdout.write(
                f"{language:<5} {s.statements:>4} {s.need_accuracy:>8.3f} {s.precision_at_5:>6.3f} "
                f"{s.emergency_recall:>7.3f} {s.false_alarms:>13}"
            )
        if options["misses"]:
            for s in scores.values():
                for miss in s.misses:
                    self.stdout.write(f"  miss: {miss}")
