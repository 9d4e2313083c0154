"""Staff pages for requests: thin views over `request_selectors` (reads, scoped and audited) and
`request_services` (writes). A request outside the actor's scope is a 404 (`staff_view`), a change
she may not make a 403. Forms work without JavaScript and are safe to send twice (a one-time key).

- `/staff/requests/`: the city's open requests by kind, as figures, for every role; and, for those
  who work with clients, the open requests of the clients they hold, longest waiting first, by kind
  (`?kind=`), of one client (`?client=`), open or all (`?state=all`).
- `/staff/clients/<id>/requests/new/`: choose the kind (her assessment's needs suggest some), then
  the form of that kind, prefilled from her household and needs (`?kind=...&assessment=...`).
- `/staff/requests/<id>/`: a request, with what matching proposed and gave; edit; close.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from welcoming.accounts.actors import Actor
from welcoming.accounts.staff import StaffRequest, staff_view
from welcoming.cases import selectors as cases_selectors
from welcoming.cases.forms import form_key
from welcoming.cases.models import Client
from welcoming.community import vocab
from welcoming.matching import request_selectors as selectors
from welcoming.matching import request_services as services
from welcoming.matching import wording
from welcoming.matching.models import Request
from welcoming.matching.request_forms import REQUEST_MESSAGES, CloseForm, RequestForm
from welcoming.triage.wording import language_name, need_label


def _areas(actor: Actor) -> list[tuple[int, str]]:
    language = get_language() or "en"
    return [(area.pk, area.localized("name", language).text) for area in cases_selectors.areas_of(actor)]


def _request_url(request: Request) -> str:
    return reverse("staff:request", args=[request.pk])


def _holder(access: cases_selectors.ClientAccess) -> None:
    if not access.full:
        raise services.NotAllowed(_("Only the agency that holds her record makes requests for her."))


def _show(form: RequestForm | CloseForm, exc: services.Invalid) -> None:
    """The services' errors next to their fields (a child's error next to the first child row)."""
    fields = {"children": "child_0_age", "items": f"item_{next(iter(vocab.ITEMS))}"}
    for key, text in exc.errors.items():
        name = fields.get(key, key)
        message = REQUEST_MESSAGES.get(key, text)
        form.add_error(name if name in form.fields else None, str(message))


# --- the list ---------------------------------------------------------------------------------


@staff_view
def requests(request: StaffRequest) -> HttpResponse:
    actor = request.actor
    kind = request.GET.get("kind", "")
    kind = kind if kind in selectors.KINDS else ""
    state = request.GET.get("state", Request.State.OPEN)
    state = state if state in Request.State.values else ""
    client_id = request.GET.get("client") or None
    rows = (
        selectors.request_rows(actor, kind=kind, client_id=client_id, state=state) if actor.works_with_clients else None
    )
    return render(
        request,
        "requests/list.html",
        {
            "counts": selectors.request_counts(actor),
            "rows": rows,
            "kind": kind,
            "state": state,
            "client_id": client_id or "",
            "kinds": Request.Kind.choices,
        },
    )


# --- a new request --------------------------------------------------------------------------------


@staff_view
def request_new(request: StaffRequest, client_id: uuid.UUID) -> HttpResponse:
    actor = request.actor
    access = selectors.client_for_request(actor, client_id)
    _holder(access)
    client = access.client
    assessment = selectors.assessment_of(client, request.GET["assessment"]) if request.GET.get("assessment") else None
    kind = request.GET.get("kind", "")
    if kind not in selectors.KINDS:
        return _choose_kind(request, client, assessment)
    areas = _areas(actor)
    if request.method != "POST":
        needs = assessment.needs if assessment else []
        facts = selectors.request_defaults(actor, client, kind, needs)
        initial = RequestForm.initial_for(kind, facts) | {"form_key": form_key()}
        form = RequestForm(kind=kind, areas=areas, initial=initial)
        return _form_page(request, client, form, kind, assessment)
    form = RequestForm(request.POST, kind=kind, areas=areas)
    if form.is_valid():
        key = form.cleaned_data.get("form_key") or ""
        try:
            if assessment is not None:
                made = services.request_from_assessment(
                    actor=actor, assessment=assessment, kind=kind, submission=key or None, **form.facts()
                )
            else:
                made = services.request_create(
                    actor=actor, client=client, kind=kind, submission=key or None, **form.facts()
                )
        except services.AlreadyOpen as exc:
            messages.info(request, _("She already waits for this: here is her open request. Change it if need be."))
            return redirect(_request_url(exc.request))
        except services.Invalid as exc:
            _show(form, exc)
        else:
            messages.success(request, _("The request is recorded. She waits from today for a match."))
            return redirect(_request_url(made))
    return _form_page(request, client, form, kind, assessment, status=400)


def _choose_kind(request: StaffRequest, client: Client, assessment: Any) -> HttpResponse:
    """The kinds of request, those her assessment suggests first, each a link to its form."""
    assessment = assessment or selectors.latest_assessment(client)
    language = get_language() or "en"
    suggested = selectors.suggested_kinds(assessment.needs) if assessment else []
    return render(
        request,
        "requests/choose.html",
        {
            "c": client,
            "assessment": assessment,
            "needs": [need_label(slug, language) for slug in assessment.needs] if assessment else [],
            "suggested": [(k, Request.Kind(k).label) for k in suggested],
            "others": [(k, label) for k, label in Request.Kind.choices if k not in suggested],
        },
    )


def _form_page(
    request: StaffRequest, client: Client, form: RequestForm, kind: str, assessment: Any, *, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "requests/form.html",
        {
            "c": client,
            "form": form,
            "kind": kind,
            "kind_label": Request.Kind(kind).label,
            "assessment": assessment,
            "child_rows": _child_rows(form),
            "item_fields": [form[f"item_{item}"] for item in vocab.ITEMS] if kind == "goods" else [],
            "title": _("A request for her: %(kind)s") % {"kind": Request.Kind(kind).label},
            "submit": _("Record the request"),
        },
        status=status,
    )


def _child_rows(form: RequestForm) -> list[tuple[Any, Any]]:
    return [(form[f"child_{i}_age"], form[f"child_{i}_sex"]) for i in range(10) if f"child_{i}_age" in form.fields]


# --- one request ------------------------------------------------------------------------------------


@staff_view
def request_detail(request: StaffRequest, request_id: uuid.UUID) -> HttpResponse:
    page = selectors.request_page(request.actor, request_id)
    r = page.request
    language = get_language() or "en"
    area_names = dict(_areas(request.actor))
    return render(
        request,
        "requests/detail.html",
        {
            "page": page,
            "r": r,
            "c": r.client,
            "areas": [area_names.get(pk, "") for pk in page.area_ids],
            "school_area": area_names.get(r.school_area_id or 0, ""),
            "work_area": area_names.get(r.work_area_id or 0, ""),
            "languages": [language_name(code, language) for code in r.languages],
            "items": [(vocab.ITEMS.get(item, item), quantity) for item, quantity in (r.items or {}).items()],
            "skills": [vocab.SKILLS.get(skill, skill) for skill in r.skills or ()],
            "sector": vocab.SECTORS.get(r.sector, "") if r.sector else "",
            "children": [(age, sex) for age, sex in r.children or ()],
            "proposals": [
                (
                    p,
                    vocab.ITEMS.get(p.item, p.item) if p.item else "",
                    [wording.explain(entry.get("code", ""), entry.get("params", {})) for entry in p.explanation or ()],
                )
                for p in page.proposals
            ],
            "allocations": [(a, vocab.ITEMS.get(a.item, a.item) if a.item else "") for a in page.allocations],
            "is_open": r.state == Request.State.OPEN,
        },
    )


@staff_view
def request_edit(request: StaffRequest, request_id: uuid.UUID) -> HttpResponse:
    actor = request.actor
    r = selectors.request_for(actor, request_id, purpose="edit request")
    areas = _areas(actor)
    if request.method != "POST":
        facts: dict[str, Any] = {name: getattr(r, name) for name in services.COLUMNS}
        facts.update(
            areas=list(r.areas.values_list("pk", flat=True)), school_area=r.school_area_id, work_area=r.work_area_id
        )
        form = RequestForm(kind=r.kind, areas=areas, initial=RequestForm.initial_for(r.kind, facts))
        return _edit_page(request, r, form)
    form = RequestForm(request.POST, kind=r.kind, areas=areas)
    if form.is_valid():
        try:
            services.request_update(actor=actor, request=r, **form.facts())
        except services.Invalid as exc:
            _show(form, exc)
        else:
            messages.success(request, _("The request is updated."))
            return redirect(_request_url(r))
    return _edit_page(request, r, form, status=400)


def _edit_page(request: StaffRequest, r: Request, form: RequestForm, *, status: int = 200) -> HttpResponse:
    return render(
        request,
        "requests/form.html",
        {
            "c": r.client,
            "r": r,
            "form": form,
            "kind": r.kind,
            "kind_label": r.get_kind_display(),
            "child_rows": _child_rows(form),
            "item_fields": [form[f"item_{item}"] for item in vocab.ITEMS] if r.kind == "goods" else [],
            "title": _("Change the request: %(kind)s") % {"kind": r.get_kind_display()},
            "submit": _("Save"),
        },
        status=status,
    )


@staff_view
def request_close(request: StaffRequest, request_id: uuid.UUID) -> HttpResponse:
    actor = request.actor
    r = selectors.request_for(actor, request_id, purpose="close request")
    form = CloseForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            services.request_close(actor=actor, request=r, reason=form.cleaned_data["reason"])
        except services.Invalid as exc:
            _show(form, exc)
        else:
            messages.success(request, _("The request is closed: she no longer waits for a match."))
            return redirect(_request_url(r))
    return render(
        request,
        "requests/close.html",
        {"r": r, "c": r.client, "form": form},
        status=400 if form.is_bound and form.errors else 200,
    )
