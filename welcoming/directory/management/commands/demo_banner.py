from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from welcoming.cases.demo import demo_logins, demo_pending_references
from welcoming.directory.management.commands.load_demo import demo_password
from welcoming.directory.models import OrganizationEditor, Service


class Command(BaseCommand):
    help = "Print where to look in the demo and the demo logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", default="http://127.0.0.1:8000")

    def handle(self, *args: Any, **options: Any) -> None:
        url = options["url"].rstrip("/")
        editor = OrganizationEditor.objects.select_related("organization").filter(user__username="editor").first()
        lines = [
            "",
            f"Welcoming demo on {url}/  ({Service.objects.count()} services)",
            f"  {url}/                                    the newcomer portal (try /ar/ and /uk/find/)",
            f"  {url}/api/v1/triage?q=I+need+a+doctor    the triage as JSON",
            f"  {url}/api/hsds/services?lang=ar          the directory in Arabic (HSDS 3.0)",
            f"  {url}/api/hsds/services?search=clinic&lang=fr",
            f"  {url}/api/hsds/services?need=legal&lat=44.2312&lon=-76.486&radius_km=3",
            f"  {url}/api/hsds/services?jurisdiction=lakeside",
            f"  {url}/api/docs/                           OpenAPI documentation",
            f"  {url}/admin/                              staff: edit the directory",
            f"  {url}/ar/register/                        she registers herself in Arabic and gets a reference",
            f"  {url}/fr/guides/                          guides, rights, myths and facts",
            f"  {url}/es/programmes/                      which city programmes could we get? (Fair Entry)",
            f"  {url}/uk/offer/                           a resident offers a flat, a room, goods, time or a job",
            f"  {url}/fa/housing/check/                   she checks a flat against the city's housing rules",
            f"  {url}/staff/                              case work: clients, referrals, tasks (sign in below)",
            f"  {url}/staff/offers/                       the coordinator reviews offers",
            f"  {url}/staff/matching/                     the coordinator starts a match run and confirms proposals",
            "",
            "Logins (password: " + demo_password() + "):",
            "  admin          platform administrator, edits everything, sees every client",
            f"  editor         edits only {editor.organization.name if editor else 'one organisation'}'s services",
            *[f"  {login['username']:<14} {login['role']}: sees {login['sees']}" for login in demo_logins()],
            "",
        ]
        pending = demo_pending_references()
        if pending:
            lines += [
                "Self-registrations waiting at the counter (staff: search by reference): " + ", ".join(pending),
                "  the last one is Mohammed Al-Rashid again, in Arabic script: the duplicate check finds him.",
                "",
            ]
        self.stdout.write("\n".join(lines))
