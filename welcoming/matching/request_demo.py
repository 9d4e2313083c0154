"""The demo city's requests: what seventeen of Riverton's demo households wait for, made from their
needs assessments (`cases/demo/clients.yaml`) through the same service the staff pages use, by each
client's caseworker (or the city's coordinator for the clients a manager registered).

Every kind is there, and the facts are chosen so that a match run on the demo offers
(`community/demo/offers.yaml`) shows what the rules and the criteria do: the family that needs three
bedrooms and can afford them, the man who cannot use stairs, the household with a dog, the
Dari-speaking family for the host who speaks Farsi, the mentors in her profession and language,
and some who will go on waiting (no offer in their language or sector yet).

Each request has a fixed submission key, so loading twice changes nothing; a request a worker made
by hand of the same kind for the same client is left as it is.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone

from welcoming.accounts.actors import actor_for
from welcoming.accounts.models import Membership, Role, User
from welcoming.cases.models import Client
from welcoming.matching import request_selectors, request_services
from welcoming.matching.models import Request
from welcoming.places.models import Area, Jurisdiction

SUBMISSIONS = uuid.UUID("0d7c3a52-61b4-4f0e-8c35-2b8e5f7a9c41")

# who (her given name, in her own script, as the demo registers her), what, and the facts she gave;
# `waited` backdates her wait (she asked long before the platform), `sexes` says the children's, oldest
# first, where the demo's records do not
DEMO_REQUESTS: tuple[dict[str, Any], ...] = (
    {
        "who": "فاطمة",
        "kind": "housing",
        "waited": 240,
        "sexes": ["m", "f"],
        "facts": {
            "monthly_income": "4700",
            "max_rent": "1500",
            "school_area": "northfield",
            "areas": ["northfield", "millbrook"],
            "note": "Child benefits included in the income.",
        },
    },
    {"who": "فاطمة", "kind": "goods", "waited": 60, "facts": {"areas": ["northfield"]}},
    {
        "who": "مریم",
        "kind": "host_room",
        "waited": 30,
        "sexes": ["f"],
        "facts": {"monthly_income": "1900", "areas": ["cedar-heights"], "note": "Maryam is pregnant."},
    },
    {
        "who": "Mohammed",
        "kind": "housing",
        "waited": 400,
        "facts": {
            "monthly_income": "2700",
            "max_rent": "800",
            "step_free": True,
            "areas": ["downtown", "university-district"],
            "note": "Uses a wheelchair since an accident.",
        },
    },
    {
        "who": "Mohammed",
        "kind": "goods",
        "waited": 45,
        "facts": {"items": {"winter_coat_adult": 1, "winter_boots": 1, "blanket": 2}, "areas": ["downtown"]},
    },
    {
        "who": "Тарас",
        "kind": "housing",
        "waited": 120,
        "facts": {
            "monthly_income": "3000",
            "max_rent": "950",
            "pets": True,
            "areas": ["northfield"],
            "note": "A small dog.",
        },
    },
    {"who": "Олена", "kind": "mentoring", "waited": 75, "facts": {"profession": "Accountant", "sector": "office"}},
    {"who": "Оксана", "kind": "job", "waited": 50, "facts": {"sector": "it", "profession": "IT support"}},
    {"who": "Оксана", "kind": "volunteer", "waited": 50, "facts": {"areas": ["downtown"]}},
    {
        "who": "Carlos",
        "kind": "job",
        "waited": 90,
        "facts": {"sector": "logistics", "profession": "Almacenista", "work_area": "eastgate"},
    },
    {"who": "Jean-Baptiste", "kind": "volunteer", "waited": 20, "facts": {"areas": ["cedar-heights"]}},
    {"who": "Jean-Baptiste", "kind": "mentoring", "waited": 20, "facts": {"profession": "Électricien"}},
    {"who": "Lucía", "kind": "mentoring", "waited": 35, "facts": {"profession": "Nurse", "sector": "health"}},
    {"who": "ሰላም", "kind": "volunteer", "waited": 25, "facts": {"areas": ["west-end"]}},
    {"who": "Amiina", "kind": "goods", "waited": 15, "facts": {}},
    {"who": "Андрій", "kind": "job", "waited": 160, "facts": {"sector": "manufacturing", "profession": "Machinist"}},
    {"who": "رضا", "kind": "volunteer", "waited": 10, "facts": {}},
)


def submission_of(jurisdiction: Jurisdiction, spec: dict[str, Any]) -> uuid.UUID:
    return uuid.uuid5(SUBMISSIONS, f"{jurisdiction.code}:{spec['who']}:{spec['kind']}")


def load_demo_requests(jurisdiction: Jurisdiction) -> int:
    """Make the demo's requests (Riverton only, once its clients and staff are loaded). Returns how
    many were made now: 0 on a second load."""
    if jurisdiction.code != "riverton":
        return 0
    heads = {
        client.given_name: client
        for client in Client.objects.filter(
            jurisdiction=jurisdiction, state=Client.State.ACTIVE, relationship=Client.Relationship.HEAD
        ).select_related("caseworker")
    }
    coordinator = User.objects.filter(
        memberships__jurisdiction=jurisdiction, memberships__role=Role.COORDINATOR, is_active=True
    ).first()
    areas = dict(Area.objects.filter(jurisdiction=jurisdiction).values_list("code", "pk"))
    today = timezone.localdate()
    made = 0
    with transaction.atomic():
        for spec in DEMO_REQUESTS:
            client = heads.get(spec["who"])
            submission = submission_of(jurisdiction, spec)
            if client is None or Request.objects.filter(submission=submission).exists():
                continue
            user = client.caseworker if _works_here(client.caseworker, jurisdiction) else coordinator
            assessment = request_selectors.latest_assessment(client)
            if user is None or assessment is None:
                continue
            actor = actor_for(user, jurisdiction, via="command")
            facts = _facts(spec, areas)
            facts["waiting_since"] = today - dt.timedelta(days=spec.get("waited", 0))
            if spec.get("sexes"):
                children = request_selectors.household_of(actor, client).children
                facts["children"] = [
                    [age, sex or (spec["sexes"][i] if i < len(spec["sexes"]) else "")]
                    for i, (age, sex) in enumerate(children)
                ]
            try:
                request = request_services.request_from_assessment(
                    actor=actor, assessment=assessment, kind=spec["kind"], submission=submission, **facts
                )
            except request_services.AlreadyOpen:
                continue  # a worker made one by hand: hers stands
            made += request.submission == submission
    return made


def _works_here(user: User | None, jurisdiction: Jurisdiction) -> bool:
    return user is not None and Membership.objects.filter(user=user, jurisdiction=jurisdiction).exists()


def _facts(spec: dict[str, Any], areas: dict[str, int]) -> dict[str, Any]:
    facts = dict(spec["facts"])
    if "areas" in facts:
        facts["areas"] = [areas[code] for code in facts["areas"] if code in areas]
    for name in ("school_area", "work_area"):
        if name in facts:
            facts[name] = areas.get(facts[name])
    return facts
