"""The demo city's agencies, staff and clients, from `demo/staff.yaml` and `demo/clients.yaml`.

Agencies and staff are configuration: created or brought back to what the files say. Clients are
people: registered, assessed, referred and noted through the same services the staff pages use,
never by writing rows, so the demo holds exactly what real use would (audit entries included).
Loading twice changes nothing: the last thing loaded is a self-registration with a fixed
submission key, and when it exists the clients are not loaded again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from welcoming.accounts.actors import Actor, actor_for
from welcoming.accounts.models import Agency, Membership, User
from welcoming.cases import services
from welcoming.cases.models import Client, Consent, Referral, ReferralEvent
from welcoming.cases.services import Person
from welcoming.directory.models import Organization, Service
from welcoming.places.models import Jurisdiction

DEMO_DIR = Path(__file__).resolve().parent / "demo"
PERSON_KEYS = frozenset(Person.__dataclass_fields__)


@dataclass
class Loaded:
    agencies: int = 0
    users: int = 0
    clients: int = 0
    skipped: bool = False


def read(name: str) -> dict[str, Any]:
    with (DEMO_DIR / name).open(encoding="utf-8") as handle:
        document: dict[str, Any] = yaml.safe_load(handle)
    return document


def demo_logins() -> list[dict[str, str]]:
    """Who can sign in to the demo's staff side, and what each one sees: for the banner."""
    return [{"username": s["username"], "role": s["role"], "sees": s["sees"]} for s in read("staff.yaml")["staff"]]


def demo_pending_references() -> list[str]:
    """The references of the demo's self-registrations still waiting at the counter, in file order."""
    spec = read("clients.yaml")
    submissions = [pending["submission"] for pending in spec["pending"]]
    found = dict(
        Client.objects.filter(
            jurisdiction__code=spec["jurisdiction"], submission__in=submissions, state=Client.State.PENDING
        ).values_list("submission", "reference")
    )
    return [reference for submission in submissions if (reference := found.get(submission))]


def load_demo_cases(jurisdiction: Jurisdiction, password: str) -> Loaded:
    staff_spec, clients_spec = read("staff.yaml"), read("clients.yaml")
    if jurisdiction.code != staff_spec["jurisdiction"]:
        return Loaded(skipped=True)
    loaded = Loaded()
    with transaction.atomic():
        agencies = _agencies(jurisdiction, staff_spec["agencies"], loaded)
        users = _staff(jurisdiction, staff_spec["staff"], agencies, password, loaded)
    marker = clients_spec["pending"][-1]["submission"]
    if Client.objects.filter(jurisdiction=jurisdiction, submission=marker).exists():
        loaded.skipped = True
        return loaded
    # e-mails to agencies about new referrals would flood the console while loading
    with _no_mail(), transaction.atomic():
        actors = {username: actor_for(user, jurisdiction, via="command") for username, user in users.items()}
        for household in clients_spec["households"]:
            loaded.clients += _household(household, actors, agencies)
        for pending in clients_spec["pending"]:
            _pending(jurisdiction, pending)
            loaded.clients += 1
    return loaded


def _agencies(jurisdiction: Jurisdiction, specs: list[dict[str, Any]], loaded: Loaded) -> dict[str, Agency]:
    agencies = {}
    for spec in specs:
        organization = Organization.objects.filter(jurisdiction=jurisdiction, name=spec["organization"]).first()
        wanted = {
            "organization": organization,
            "email": spec.get("email", ""),
            "referral_response_days": spec.get("response_days", 5),
        }
        agency, created = Agency.objects.get_or_create(jurisdiction=jurisdiction, name=spec["name"], defaults=wanted)
        if not created and any(getattr(agency, key) != value for key, value in wanted.items()):
            for key, value in wanted.items():
                setattr(agency, key, value)
            agency.save()
        loaded.agencies += created
        agencies[spec["key"]] = agency
    return agencies


def _staff(
    jurisdiction: Jurisdiction,
    specs: list[dict[str, Any]],
    agencies: dict[str, Agency],
    password: str,
    loaded: Loaded,
) -> dict[str, User]:
    users = {}
    for spec in specs:
        user, created = User.objects.get_or_create(
            username=spec["username"],
            defaults={
                "first_name": spec.get("first_name", ""),
                "last_name": spec.get("last_name", ""),
                "email": f"{spec['username']}@riverton-city.example.org",
            },
        )
        Membership.objects.get_or_create(
            user=user, jurisdiction=jurisdiction, agency=agencies.get(spec.get("agency", "")), role=spec["role"]
        )
        loaded.users += created
        users[user.username] = user
    # argon2 is slow by design: the demo users share one hash of the one demo password, checked once
    encoded = next((user.password for user in users.values() if user.password and user.has_usable_password()), "")
    if not encoded or not check_password(password, encoded):
        encoded = make_password(password)
    for user in users.values():
        if user.password != encoded:
            user.password = encoded
            user.save(update_fields=["password"])
    return users


@contextmanager
def _no_mail() -> Iterator[None]:
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        yield


def _person(spec: dict[str, Any]) -> Person:
    return Person(**{key: value for key, value in spec.items() if key in PERSON_KEYS})


def _household(spec: dict[str, Any], actors: dict[str, Actor], agencies: dict[str, Agency]) -> int:
    actor = actors[spec["by"]]
    head_spec, *others = spec["members"]
    head = services.client_register(actor=actor, person=_person(head_spec), consent_method=Consent.Method.VERBAL)
    for member in others:
        services.household_add(
            actor=actor,
            head=head,
            person=_person(member),
            relationship=member["relationship"],
            consent_method=Consent.Method.VERBAL,
        )
    if "assessment" in spec:
        services.assessment_record(actor=actor, client=head, **spec["assessment"])
    for consent in spec.get("consents", []):
        services.consent_record(
            actor=actor,
            client=head,
            purpose=consent["purpose"],
            method=Consent.Method.VERBAL,
            agency=agencies[consent["agency"]] if "agency" in consent else None,
        )
    for referral in spec.get("referrals", []):
        _referral(referral, head, actor, actors, agencies)
    for note in spec.get("notes", []):
        services.note_add(actor=actors[note["by"]], client=head, text=note["text"], shared=note.get("shared", False))
    today = timezone.localdate()
    for task_spec in spec.get("tasks", []):
        by = actors[task_spec["by"]]
        due = today + dt.timedelta(days=task_spec["due"]) if "due" in task_spec else None
        task = services.task_add(actor=by, client=head, title=task_spec["title"], due=due)
        if task_spec.get("done"):
            services.task_done(actor=by, task=task)
    return len(spec["members"])


def _referral(
    spec: dict[str, Any], client: Client, actor: Actor, actors: dict[str, Actor], agencies: dict[str, Agency]
) -> None:
    to_agency = agencies[spec["to"]]
    services_offered = Service.objects.filter(organization__agencies=to_agency)
    service = services_offered.filter(name=spec.get("service", "")).first()
    referral = services.referral_create(
        actor=actor,
        client=client,
        to_agency=to_agency,
        shared=spec["shared"],
        service_id=service.pk if service else None,
        message=spec.get("message", ""),
        send=not spec.get("draft", False),
    )
    if spec.get("late"):
        _backdate(referral, days=to_agency.referral_response_days + 3)
    if spec.get("withdrawn"):
        services.referral_withdraw(actor=actor, referral=referral)
    receiver = next(
        (a for a in actors.values() if to_agency.pk in a.agency_ids and "caseworker" in a.roles),
        None,
    )
    for step in spec.get("steps", []):
        assert receiver is not None, f"nobody at {to_agency} to answer a referral"
        referral = services.referral_answer(
            actor=receiver,
            referral=referral,
            to_state=step,
            reason=spec.get("reason", ""),
            outcome=spec.get("outcome", ""),
            note=spec.get("outcome_note", ""),
        )


def _backdate(referral: Referral, *, days: int) -> None:
    """Only the demo moves time: a referral sent `days` ago, now past the day it was to be answered by.
    The referral itself was made and sent through the services; this shifts its dates, nothing else."""
    sent = timezone.now() - dt.timedelta(days=days)
    respond_by = (sent + dt.timedelta(days=referral.to_agency.referral_response_days)).date()
    Referral.objects.filter(pk=referral.pk).update(created_at=sent, sent_at=sent, respond_by=respond_by)
    ReferralEvent.objects.filter(referral=referral).update(at=sent)


def _pending(jurisdiction: Jurisdiction, spec: dict[str, Any]) -> Client:
    person = _person(spec["person"])
    sms = bool(spec.get("sms") and person.phone)
    if sms:
        person.preferred_channel = Client.Channel.SMS
    return services.self_register(
        jurisdiction=jurisdiction,
        person=person,
        sms=sms,
        statistics=bool(spec.get("statistics")),
        submission=spec["submission"],
    )
