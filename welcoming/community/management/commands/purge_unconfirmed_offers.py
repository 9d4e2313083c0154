from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from welcoming.community import services


class Command(BaseCommand):
    help = (
        "Delete the offers whose e-mail address was never confirmed within the link's "
        f"{services.VERIFY_DAYS} days, with their offerers' details. Counts only, unless --apply."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--apply", action="store_true", help="delete them (without it, only count)")

    def handle(self, *args: Any, **options: Any) -> None:
        count = services.offers_purge_unconfirmed(apply=options["apply"])
        if options["apply"]:
            self.stdout.write(f"{count} unconfirmed offers deleted.")
        else:
            self.stdout.write(f"{count} unconfirmed offers would be deleted; run again with --apply to delete them.")
