from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

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
            "",
            "Logins (password: " + demo_password() + "):",
            "  admin   platform administrator, edits everything",
            f"  editor  edits only {editor.organization.name if editor else 'one organisation'}'s services",
            "",
        ]
        self.stdout.write("\n".join(lines))
