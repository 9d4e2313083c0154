from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from welcoming.lib.crypto import keyring
from welcoming.lib.fields import reencrypt


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted field under the current key (the first in WELCOMING_ENCRYPTION_KEYS). "
        "Put the new key first, keep the old ones after it, run this with --apply, then remove the old keys. "
        "Without --apply it only counts what would change."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--apply", action="store_true", help="re-encrypt (default: only count)")

    def handle(self, *args: Any, **options: Any) -> None:
        counts = reencrypt(apply=options["apply"])
        verb = "re-encrypted" if options["apply"] else "to re-encrypt"
        for label, count in counts.items():
            self.stdout.write(f"{label}: {count} rows {verb}")
        self.stdout.write(f"Current key: {keyring().current}. Total {verb}: {sum(counts.values())}.")
