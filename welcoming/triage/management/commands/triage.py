from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from welcoming.lib.i18n import LANGUAGE_CODES
from welcoming.places.selectors import UnknownJurisdiction, default_jurisdiction, jurisdiction_by_code
from welcoming.triage import services
from welcoming.triage.engine import Query


class Command(BaseCommand):
    help = (
        'Triage one statement (manage.py triage "ابني مريض" --lang ar [--json]), or with --jsonl read lines '
        '{"q": ..., "lang": ...} on standard input and write one JSON result per line. Nothing is recorded.'
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("text", nargs="?", default="")
        parser.add_argument("--lang", choices=LANGUAGE_CODES)
        parser.add_argument("--json", action="store_true", help="print the API's JSON")
        parser.add_argument("--jsonl", action="store_true", help="read JSON lines on standard input")
        parser.add_argument("--jurisdiction", help="code (default: the deployment's default)")
        parser.add_argument("--limit", type=int, default=10)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            code = options["jurisdiction"]
            jurisdiction = jurisdiction_by_code(code) if code else default_jurisdiction()
        except UnknownJurisdiction as exc:
            raise CommandError(f"{exc} Load one first: manage.py load_demo") from exc
        if options["jsonl"]:
            for number, line in enumerate(sys.stdin, start=1):
                if not line.strip():
                    continue
                try:
                    item = json.loads(line)
                    query = Query(text=str(item["q"]), language=item.get("lang"), limit=options["limit"])
                except (ValueError, KeyError, TypeError) as exc:
                    raise CommandError(f'stdin:{number}: expected {{"q": ..., "lang": ...}} ({exc})') from exc
                result = services.triage(jurisdiction=jurisdiction, query=query, record=False)
                self.stdout.write(json.dumps(services.as_json(result, jurisdiction), ensure_ascii=False))
            return
        if not options["text"].strip():
            raise CommandError('Give a statement: manage.py triage "I need a doctor" --lang en')
        query = Query(text=options["text"], language=options["lang"], limit=options["limit"])
        result = services.triage(jurisdiction=jurisdiction, query=query, record=False)
        body = services.as_json(result, jurisdiction)
        if options["json"]:
            self.stdout.write(json.dumps(body, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"language: {body['lang']}")
        if body["emergency"]:
            contacts = ", ".join(f"{c['name']} {c['number']}" for c in body["emergency_contacts"])
            self.stdout.write(f"EMERGENCY ({', '.join(body['emergency_kinds'])}): {contacts}")
        for need in body["needs"][:5]:
            self.stdout.write(f"need: {need['slug']:<14} {need['confidence']:.2f}  ({', '.join(need['evidence'])})")
        for rank, item in enumerate(body["results"], start=1):
            self.stdout.write(f"{rank:2}. {item['name']} — {item['organization']}  [{item['score']:.2f}]")
            self.stdout.write(f"    {' · '.join(item['reasons'])}")
