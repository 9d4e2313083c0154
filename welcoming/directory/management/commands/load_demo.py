from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from welcoming.accounts.models import User
from welcoming.cases.demo import load_demo_cases
from welcoming.cases.programme_services import load_demo_programmes
from welcoming.community.demo import load_demo_offers
from welcoming.content.demo import load_demo_content
from welcoming.directory.demo_city import load_demo
from welcoming.directory.models import Organization, OrganizationEditor
from welcoming.matching.register import load_demo_housing
from welcoming.matching.request_demo import load_demo_requests
from welcoming.places.models import Jurisdiction

DEMO_PASSWORD_DEFAULT = "welcoming-demo"  # noqa: S105 - the documented demo password


def demo_password() -> str:
    return os.environ.get("DEMO_PASSWORD") or DEMO_PASSWORD_DEFAULT


class Command(BaseCommand):
    help = "Load the demo cities Riverton and Lakeside, and the demo staff users. Running it twice changes nothing."

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("Refusing to load the demo city and its users in production.")
        reports = load_demo()
        for code, report in reports.items():
            created = sum(report.created.values())
            updated = sum(report.updated.values())
            self.stdout.write(f"{code}: {created} records created, {updated} updated.")
        for jurisdiction in Jurisdiction.objects.filter(code__in=list(reports)):
            pages = load_demo_content(jurisdiction)
            if pages:
                self.stdout.write(f"{jurisdiction.code}: {pages} guides, rights and myths pages.")
            if programmes := load_demo_programmes(jurisdiction):
                self.stdout.write(f"{jurisdiction.code}: {programmes} Fair Entry programmes.")
            if jurisdiction.code == "riverton" and (issues := load_demo_housing(jurisdiction)):
                self.stdout.write(f"{jurisdiction.code}: {issues} building register issues and the housing rules.")
        admin, made = User.objects.get_or_create(username="admin", defaults={"is_staff": True, "is_superuser": True})
        if made or not admin.check_password(demo_password()):
            admin.set_password(demo_password())
            admin.save()
        editor, made = User.objects.get_or_create(username="editor", defaults={"is_staff": True})
        if made or not editor.check_password(demo_password()):
            editor.set_password(demo_password())
            editor.save()
        from django.contrib.auth.models import Permission

        editor.user_permissions.add(
            *Permission.objects.filter(
                content_type__app_label="directory",
                codename__in=["view_service", "change_service", "add_service", "verify_service", "view_organization"],
            )
        )
        first = (
            Organization.objects.filter(jurisdiction__code=settings.WELCOMING_DEFAULT_JURISDICTION)
            .order_by("name")
            .first()
        )
        if first is not None:
            OrganizationEditor.objects.get_or_create(user=editor, organization=first)
        for jurisdiction in Jurisdiction.objects.filter(code__in=list(reports)):
            cases = load_demo_cases(jurisdiction, demo_password())
            if cases.agencies or cases.users or cases.clients:
                summary = f"{cases.agencies} agencies, {cases.users} staff users, {cases.clients} clients"
                self.stdout.write(f"{jurisdiction.code}: {summary} created.")
            # after the staff: the city's coordinator publishes them
            if offers := load_demo_offers(jurisdiction):
                self.stdout.write(f"{jurisdiction.code}: {offers} community offers.")
            # after the clients, the offers and the housing rules: what the households wait for
            if requests := load_demo_requests(jurisdiction):
                self.stdout.write(f"{jurisdiction.code}: {requests} requests from clients' needs.")
