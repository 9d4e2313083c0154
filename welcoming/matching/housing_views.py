"""The housing rules on pages: "check a flat" for newcomers (`/{lang}/housing/check/`, anonymous, nothing
stored), the same check for staff with published offers and open requests (`/staff/housing/check/`), and
the building register's upload for the city's coordinator (`/staff/housing/register/`).

The public check is a POST form (the flat's address, her income and her children's ages stay out of
addresses, histories and server logs); its answer is computed and shown, never written anywhere.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from welcoming.accounts.staff import StaffRequest, staff_view
from welcoming.cases.services import NotAllowed
from welcoming.community.models import Offer
from welcoming.lib.tables import TableError
from welcoming.matching import housing, register, request_selectors, rules, wording
from welcoming.matching.housing_forms import CheckForm, RegisterUploadForm, StaffCheckForm
from welcoming.matching.models import HousingPolicy, Request
from welcoming.places.models import Jurisdiction
from welcoming.portal.views import _base

HOUSING_KINDS = (Offer.Kind.HOUSING, Offer.Kind.HOST_ROOM)
LISTED = 300


def _rows(findings: list[rules.Finding], *, public: bool) -> list[dict[str, Any]]:
    rows = []
    for finding in findings:
        params = dict(finding.params)
        if public:
            # the public page says which kinds of issue a building has, nothing more
            params.pop("since", None)
        rows.append(
            {
                "rule": finding.rule,
                "rule_name": wording.RULE_NAMES.get(finding.rule, finding.rule),
                "outcome": finding.outcome,
                "outcome_name": wording.OUTCOME_NAMES[finding.outcome],
                "text": wording.explain(finding.code, params),
                "next": "" if finding.outcome == rules.PASS else wording.next_step(finding.code),
            }
        )
    return rows


def _verdict(findings: list[rules.Finding]) -> str:
    if rules.blocked(findings):
        return rules.BLOCK
    return rules.FLAG if rules.flagged(findings) else rules.PASS


def _no_store(response: HttpResponse) -> HttpResponse:
    # her answers are in the page: no cache keeps it. (Not "no-referrer": browsers then send the form's
    # POST with `Origin: null`, which the CSRF check refuses; the site's "same-origin" tells others nothing.)
    response["Cache-Control"] = "private, no-store"
    return response


def _policy_context(jurisdiction: Jurisdiction) -> tuple[rules.Policy, list[str]]:
    policy = housing.policy_for(jurisdiction)
    return policy, wording.policy_lines(policy)


@require_http_methods(["GET", "POST"])
def check(request: HttpRequest) -> HttpResponse:
    """She describes the flat and her household; each rule answers passed, to check or a problem, in
    plain words with what to do next. The building register is asked only whether the building has
    open issues, and of which kinds."""
    jurisdiction, _language, context = _base(request)
    form = CheckForm(request.POST if request.method == "POST" else None)
    policy, policy_lines = _policy_context(jurisdiction)
    context.update({"form": form, "checked": False, "policy_lines": policy_lines})
    if form.is_bound and form.is_valid():
        address = form.cleaned_data["address"]
        issues = housing.open_issues_at(jurisdiction, address) if address else ()
        findings = rules.check(form.unit(issues), form.household(), policy, room=form.is_room())
        context.update({"checked": True, "rows": _rows(findings, public=True), "verdict": _verdict(findings)})
    return _no_store(render(request, "housing/check.html", context))


# -- staff


def _offer_choices(jurisdiction: Jurisdiction) -> list[tuple[str, str]]:
    offers = (
        Offer.objects.filter(jurisdiction=jurisdiction, state=Offer.State.PUBLISHED, kind__in=HOUSING_KINDS)
        .select_related("area")
        .order_by("title")[:LISTED]
    )
    return [(str(offer.pk), _offer_label(offer)) for offer in offers]


def _offer_label(offer: Offer) -> str:
    if offer.kind == Offer.Kind.HOST_ROOM:
        detail = _("room in a home, %(beds)s beds") % {"beds": offer.beds if offer.beds is not None else "?"}
    else:
        detail = _("%(bedrooms)s bedrooms") % {"bedrooms": offer.bedrooms if offer.bedrooms is not None else "?"}
    area = f" · {offer.area.name}" if offer.area_id and offer.area else ""
    return f"{offer.title} ({detail}){area}"


def _request_choices(request: StaffRequest) -> list[tuple[str, str]]:
    rows = [
        row
        for kind in (Request.Kind.HOUSING, Request.Kind.HOST_ROOM)
        for row in request_selectors.request_rows(request.actor, kind=kind, limit=LISTED)
    ]
    rows.sort(key=lambda row: (row.request.waiting_since, str(row.request.pk)))
    return [
        (
            str(row.request.pk),
            ngettext(
                "%(code)s: %(kind)s, %(people)s person, waiting %(days)s days",
                "%(code)s: %(kind)s, %(people)s people, waiting %(days)s days",
                row.request.household_size,
            )
            % {
                "code": row.request.client.code or str(row.request.client_id)[:8],
                "kind": row.request.get_kind_display(),
                "people": row.request.household_size,
                "days": row.days,
            },
        )
        for row in rows
    ]


@require_http_methods(["GET", "POST"])
@staff_view
def staff_check(request: StaffRequest) -> HttpResponse:
    """The check for coordinators, managers and caseworkers: a published offer or a typed flat, against
    an open request of a client in her scope or a typed household, under the city's policy in force."""
    actor = request.actor
    if not actor.works_with_clients:
        raise NotAllowed(_("The housing check is for the staff who work with clients."))
    jurisdiction = actor.jurisdiction
    form = StaffCheckForm(
        request.POST if request.method == "POST" else None,
        offers=_offer_choices(jurisdiction),
        requests=_request_choices(request),
    )
    policy, policy_lines = _policy_context(jurisdiction)
    context: dict[str, Any] = {
        "form": form,
        "checked": False,
        "policy_lines": policy_lines,
        "policy_row": HousingPolicy.objects.filter(jurisdiction=jurisdiction).first(),
        "may_edit_policy": actor.is_admin,
        "may_keep_register": register.may_keep_register(actor),
    }
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        offer = None
        if data.get("offer"):
            offer = Offer.objects.get(pk=data["offer"], jurisdiction=jurisdiction)
            unit, room = housing.unit_facts(offer), offer.kind == Offer.Kind.HOST_ROOM
        else:
            address = data.get("address") or ""
            unit = form.unit(housing.open_issues_at(jurisdiction, address) if address else ())
            room = form.is_room()
        chosen = None
        if data.get("request"):
            chosen = request_selectors.request_for(actor, data["request"], purpose="housing check")
            household = housing.household_facts(chosen)
        else:
            household = form.household()
        findings = rules.check(unit, household, policy, room=room)
        context.update(
            {
                "checked": True,
                "offer": offer,
                "chosen": chosen,
                "rows": _rows(findings, public=False),
                "verdict": _verdict(findings),
            }
        )
    return _no_store(render(request, "housing/staff_check.html", context))


@require_http_methods(["GET", "POST"])
@staff_view
def register_page(request: StaffRequest) -> HttpResponse:
    """The building register: buildings with open issues, and the upload of the city's file (the
    coordinator's). A file with problems is refused whole, each problem named by row and column."""
    actor = request.actor
    if not register.may_keep_register(actor):
        raise NotAllowed(_("Only the city's coordinator keeps the building register."))
    jurisdiction = actor.jurisdiction
    form = RegisterUploadForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"form": form, "result": None, "problems": []}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        suffix = Path(upload.name).suffix.lower()
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"register{suffix}"
            with path.open("wb") as handle:
                for chunk in upload.chunks():
                    handle.write(chunk)
            try:
                context["result"] = register.import_building_issues(
                    path, jurisdiction, dry_run=form.cleaned_data["dry_run"], actor=actor, name=Path(upload.name).name
                )
            except TableError as exc:
                context["problems"] = exc.problems
    context.update(
        {
            "buildings": [
                {**vars(row), "kinds": [wording.issue_kind(kind) for kind in row.kinds]}
                for row in register.buildings_with_open_issues(jurisdiction)
            ],
            "counts": register.register_counts(jurisdiction),
        }
    )
    return render(request, "housing/register.html", context)
