from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone

from welcoming.accounts.models import User
from welcoming.directory import models as m
from welcoming.directory.services import service_save
from welcoming.places.models import Jurisdiction

pytestmark = pytest.mark.django_db


def make_service(jurisdiction: Jurisdiction, organization: str, name: str) -> m.Service:
    org = m.Organization.objects.create(jurisdiction=jurisdiction, name=organization, description="")
    return service_save(service=m.Service(jurisdiction=jurisdiction, organization=org, name=name))


@pytest.fixture
def clinic(riverton: Jurisdiction) -> m.Service:
    return make_service(riverton, "Harbour Health Centre", "Family doctor clinic")


@pytest.fixture
def food_bank(riverton: Jurisdiction) -> m.Service:
    return make_service(riverton, "Riverton Food Bank", "Weekly food hamper")


@pytest.fixture
def editor(clinic: m.Service) -> Client:
    """Bea edits the Harbour Health Centre's services and nothing else."""
    user = User.objects.create_user("bea", "bea@example.org", "a-long-password-2", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_service", "change_service", "verify_service"])
    )
    m.OrganizationEditor.objects.create(user=user, organization=clinic.organization)
    client = Client()
    client.force_login(user)
    return client


def test_the_service_form_shows_every_language_side_by_side(admin_client: Client, clinic: m.Service) -> None:
    page = admin_client.get(f"/admin/directory/service/{clinic.pk}/change/").content.decode()
    for language in ("fr", "ar", "uk", "es", "fa"):
        assert f'name="name__{language}"' in page
    assert 'lang="ar" dir="rtl"' in page or 'dir="rtl" lang="ar"' in page
    assert "field-name field-name__fr field-name__ar field-name__uk field-name__es field-name__fa" in page  # one row


def test_saving_translations_in_the_admin_stores_and_indexes_them(admin_client: Client, clinic: m.Service) -> None:
    page = admin_client.get(f"/admin/directory/service/{clinic.pk}/change/")
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, dict | list)}
    data.update(
        {"name": "Family doctor clinic", "name__ar": "عيادة طبيب الأسرة", "organization": clinic.organization_id}
    )
    for prefix in ("service_at_locations", "schedules", "phones", "languages", "cost_options", "required_documents"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    response = admin_client.post(f"/admin/directory/service/{clinic.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    clinic.refresh_from_db()
    assert clinic.translations["ar"]["name"] == "عيادة طبيب الأسرة"
    assert Client().get("/api/hsds/services?search=عيادة").json()["total_items"] == 1


def test_verified_today_marks_the_chosen_services(
    admin_client: Client, clinic: m.Service, food_bank: m.Service
) -> None:
    admin_client.post("/admin/directory/service/", {"action": "verified_today", "_selected_action": [str(clinic.pk)]})
    clinic.refresh_from_db()
    food_bank.refresh_from_db()
    assert clinic.last_verified == timezone.localdate()
    assert food_bank.last_verified is None


def test_an_organisation_editor_sees_only_its_own_services(
    editor: Client, clinic: m.Service, food_bank: m.Service
) -> None:
    listing = editor.get("/admin/directory/service/").content.decode()
    assert "Family doctor clinic" in listing
    assert "Weekly food hamper" not in listing
    assert editor.get(f"/admin/directory/service/{food_bank.pk}/change/").status_code in (302, 404)


def test_an_editor_without_an_organisation_sees_nothing(riverton: Jurisdiction, clinic: m.Service) -> None:
    user = User.objects.create_user("cai", "cai@example.org", "a-long-password-3", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=["view_service", "change_service"]))
    client = Client()
    client.force_login(user)
    assert "Family doctor clinic" not in client.get("/admin/directory/service/").content.decode()


def queries_for(url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        assert Client().get(url).status_code == 200
    return len(context)


@pytest.mark.parametrize("url", ["/api/hsds/services?per_page=50", "/api/hsds/services?per_page=50&search=service"])
def test_a_page_of_services_costs_the_same_queries_for_one_or_fifty(riverton: Jurisdiction, url: str) -> None:
    make_service(riverton, "Organisation 0", "Service 0")
    one = queries_for(url)
    for index in range(1, 50):
        make_service(riverton, f"Organisation {index}", f"Service {index}")
    assert queries_for(url) == one <= 5


def test_renaming_an_organisation_or_a_term_keeps_search_current(
    riverton: Jurisdiction, clinic: m.Service, anonymous: Client
) -> None:
    from welcoming.directory.services import organization_save, taxonomy_term_save

    organization = clinic.organization
    organization.name = "Lighthouse Health"
    organization_save(organization=organization)
    assert anonymous.get("/api/hsds/services?search=lighthouse").json()["total_items"] == 1

    term = m.TaxonomyTerm.objects.create(jurisdiction=riverton, name="Primary care", need="health")
    m.Attribute.objects.create(jurisdiction=riverton, link_id=clinic.id, link_entity="service", taxonomy_term=term)
    term.set_translation("uk", "name", "Сімейний лікар")
    taxonomy_term_save(term=term)
    assert anonymous.get("/api/hsds/services?search=сімейний").json()["total_items"] == 1
