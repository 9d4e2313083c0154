"""E-mail staff the follow-up check-ins that are due: a dry run by default, `--send` to send."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from welcoming.matching import notifications


class Command(BaseCommand):
    help = (
        "Remind each household's caseworker (or her agency's inbox when she has none) of the check-ins after a "
        "placement that are due today or overdue and not yet recorded: one e-mail per person, with how many are "
        "due and the link to record them, never a name. Without --send it only says what it would send. "
        "Run it once a day."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--send", action="store_true", help="Send the e-mails (without it: a dry run).")
        parser.add_argument("--jurisdiction", default="", help="Only this city's check-ins (its code).")
        parser.add_argument("--today", default="", help="The day to count from, YYYY-MM-DD (default: today).")

    def handle(self, *args: Any, send: bool, jurisdiction: str, today: str, **options: Any) -> None:
        try:
            day = dt.date.fromisoformat(today) if today else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"--today: {today!r} is not a date like 2026-03-01") from exc
        reminders = notifications.reminders(day, jurisdiction)
        letters = [notifications.reminder_letter(reminder, day) for reminder in reminders]
        due = sum(len(reminder.check_ins) for reminder in reminders)
        for reminder in reminders:
            self.stdout.write(f"{reminder.to}: {len(reminder.check_ins)} check-in(s) due")
        if not send:
            self.stdout.write(
                f"Dry run: {len(letters)} reminder(s) for {due} check-in(s) would be sent; add --send to send them."
            )
            return
        sent = notifications.send(letters)
        self.stdout.write(self.style.SUCCESS(f"Sent {sent} reminder(s) for {due} check-in(s)."))
