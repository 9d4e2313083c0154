"""Staff pages for case work: thin views over `selectors` (reads, scoped and audited) and `services`
(writes). Each parses the request, calls one of them and renders; a client or referral outside the
actor's scope is a 404 from the selector (`staff_view`), a change she may not make a 403.

Every form works without JavaScript. Forms that create something are safe to send twice: register
carries a one-time key, notes, tasks and referrals are kept once by their services."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.serializers.json import DjangoJSONEncoder
from django.forms import BoundField, Form
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from welcoming.accounts.actors import Actor
from welcoming.accounts.staff import StaffRequest, staff_view
from welcoming.cases import selectors, services
from welcoming.cases.forms import (
    SERVICE_MESSAGES,
    SHARE_LABELS,
    AnswerForm,
    AssessmentForm,
    AssignForm,
    ConsentForm,
    EraseForm,
    MergeForm,
    NoteForm,
    PersonForm,
    ReferenceForm,
    ReferralForm,
    RegisterForm,
    SearchForm,
    TaskForm,
    form_key,
    show_errors,
)
from welcoming.cases.models import Client, Referral
from welcoming.lib.qr import qr_svg
from welcoming.triage.wording import language_name, need_label


def _works_with_clients(actor: Actor) -> None:
    if not actor.works_with_clients:
        raise services.NotAllowed(_("Your role does not work with clients' records."))


def _agency_staff(actor: Actor) -> None:
    if not (actor.works_with_clients and actor.agency_ids):
        raise services.NotAllowed(_("Only the staff of an agency register and verify clients."))


def _full(access: selectors.ClientAccess) -> None:
    if not access.full:
        raise services.NotAllowed(_("Only the agency that holds her record can do this."))


def _client_url(client: Client, anchor: str = "") -> str:
    return reverse("staff:client", args=[client.pk]) + (f"#{anchor}" if anchor else "")


def _languages(codes: list[str]) -> list[str]:
    language = get_language() or "en"
    return [language_name(code, language) for code in codes]


def _areas(actor: Actor) -> list[tuple[int, str]]:
    """The jurisdiction's neighbourhoods, named in the staff member's language."""
    language = get_language() or "en"
    return [(area.pk, area.localized("name", language).text) for area in selectors.areas_of(actor)]


def _page_number(request: StaffRequest) -> int:
    raw = request.GET.get("page", "1")
    return int(raw) if raw.isdigit() and 0 < int(raw) < 10_000 else 1


# --- home, search, caseload --------------------------------------------------------------------


@staff_view
def home(request: StaffRequest) -> HttpResponse:
    actor = request.actor
    return render(
        request,
        "cases/home.html",
        {
            "works_with_clients": actor.works_with_clients,
            "caseload": selectors.caseload(actor).count(),
            "inbox": selectors.inbox_rows(actor, limit=20),
            "tasks": selectors.open_tasks(actor, limit=20),
        },
    )


@dataclass(frozen=True)
class SearchRow:
    client: Client
    full: bool
    name: bool
    birth: bool

    @classmethod
    def of(cls, client: Client, access: selectors.ClientAccess | None) -> SearchRow:
        if access is None:  # found but not readable: shown by its code alone (failing closed)
            return cls(client, full=False, name=False, birth=False)
        return cls(client, full=access.full, name=access.can_see("name"), birth=access.can_see("birth"))


@staff_view
def clients(request: StaffRequest) -> HttpResponse:
    actor = request.actor
    _works_with_clients(actor)
    form = SearchForm(request.GET or None)
    rows: list[SearchRow] | None = None
    if form.is_valid() and form.cleaned_data["q"].strip():
        found = selectors.search_clients(actor, form.cleaned_data["q"], limit=50)
        access = selectors.access_to_many(actor, found)
        rows = [SearchRow.of(client, access.get(client.pk)) for client in found]
    return render(
        request,
        "cases/clients.html",
        {"form": form, "rows": rows, "registers": bool(actor.agency_ids)},
    )


@staff_view
def caseload(request: StaffRequest) -> HttpResponse:
    actor = request.actor
    _works_with_clients(actor)
    page = _page_number(request)
    found, more = selectors.caseload_page(actor, page=page)
    rows = [(client, _languages(client.languages)) for client in found]
    return render(request, "cases/caseload.html", {"rows": rows, "page": page, "more": more})


# --- registering and verifying ------------------------------------------------------------------


@staff_view
def client_new(request: StaffRequest) -> HttpResponse:
    actor = request.actor
    _agency_staff(actor)
    if request.method != "POST":
        form = RegisterForm(
            initial={"form_key": form_key(), "household_of": request.GET.get("household", "")}, areas=_areas(actor)
        )
        return render(request, "cases/register.html", {"form": form})
    form = RegisterForm(request.POST, areas=_areas(actor))
    if form.is_valid():
        data = form.cleaned_data
        household_of = None
        if data["household_of"]:
            try:
                household_of = selectors.client_in_scope_by_code(actor, data["household_of"])
            except selectors.NotFound:
                form.add_error("household_of", _("No client you can open has this code."))
        if not form.errors:
            try:
                client, created = services.client_register_once(
                    actor=actor,
                    person=form.person(),
                    consent_method=data["consent_method"],
                    submission=f"staff-{data['form_key']}",
                    household_of=household_of,
                    relationship=data["relationship"],
                    also=form.also(),
                )
            except services.Invalid as exc:
                show_errors(form, exc, fields={"head": "household_of"})
            except services.NotAllowed:
                form.add_error(
                    "household_of",
                    _("She can join only the household of a client whose record your agency holds."),
                )
            else:
                if not created:  # the same form again: she is registered already
                    return redirect(_client_url(client))
                messages.success(request, _("She is registered as %(code)s.") % {"code": client.code})
                if selectors.duplicate_candidates(actor, client, limit=1):
                    return redirect(reverse("staff:client-duplicates", args=[client.pk]) + "?new=1")
                return redirect(_client_url(client))
    return render(request, "cases/register.html", {"form": form}, status=400)


@staff_view
def pending(request: StaffRequest) -> HttpResponse:
    """Find her self-registration by the reference she shows, check for duplicates, verify it."""
    actor = request.actor
    _agency_staff(actor)
    form = ReferenceForm(request.POST if request.method == "POST" else (request.GET or None))
    found = None
    candidates: list[selectors.Candidate] = []
    if form.is_valid():
        try:
            found = selectors.pending_by_reference(actor, form.cleaned_data["reference"])
        except selectors.NotFound:
            form.add_error(
                "reference",
                _("No self-registration is waiting under this reference. If she was verified already, search for her."),
            )
        else:
            if request.method == "POST":
                try:
                    client = services.client_verify(actor=actor, client=found)
                except services.Invalid as exc:
                    show_errors(form, exc, fields={"state": "reference"})
                else:
                    messages.success(request, _("Verified: her client code is %(code)s.") % {"code": client.code})
                    return redirect(_client_url(client))
            candidates = selectors.duplicates_for(actor, found)
    return render(
        request,
        "cases/pending.html",
        {
            "form": form,
            "found": found,
            "languages": _languages(found.languages) if found else [],
            "candidates": candidates,
        },
    )


# --- the client page and what is done from it ---------------------------------------------------


@staff_view
def client(request: StaffRequest, client_id: uuid.UUID) -> HttpResponse:
    actor = request.actor
    access = selectors.client_for(actor, client_id, purpose="client page")
    record = selectors.client_record(actor, access)
    return render(request, "cases/client.html", _client_context(actor, record))


def _client_context(
    actor: Actor,
    record: selectors.ClientRecord,
    *,
    note_form: NoteForm | None = None,
    task_form: TaskForm | None = None,
) -> dict[str, Any]:
    access = record.access
    client = access.client
    language = get_language() or "en"
    return {
        "access": access,
        "c": client,
        "record": record,
        "languages": _languages(client.languages) if access.can_see("languages") else [],
        "assessments": [(a, [need_label(slug, language) for slug in a.needs]) for a in record.assessments],
        "referrals": [(r, selectors.is_late(r)) for r in record.referrals],
        "shared_labels": [SHARE_LABELS[part] for part in Referral.SHAREABLE if part in access.shared],
        "can_assign": services.assigns_cases(actor, client),
        "handles_rights": access.full and services.handles_rights_requests(actor, client),
        "area_name": client.area.localized("name", language).text if access.full and client.area else "",
        # notes and tasks belong to an agency: a coordinator without one reads them and writes none
        "writes_for_agency": bool(actor.agency_ids),
        "note_form": note_form or NoteForm(),
        "task_form": task_form or TaskForm(),
    }


@staff_view
def client_edit(request: StaffRequest, client_id: uuid.UUID) -> HttpResponse:
    actor = request.actor
    access = selectors.client_for(actor, client_id, purpose="edit")
    _full(access)
    form = PersonForm(
        request.POST if request.method == "POST" else None,
        initial=PersonForm.initial_for(access.client),
        areas=_areas(request.actor),
    )
    if form.is_valid():
        try:
            services.client_update(actor=actor, client=access.client, person=form.person())
        except services.Invalid as exc:
            show_errors(form, exc)
        else:
            messages.success(request, _("Her record is updated."))
            return redirect(_client_url(access.client))
    return _form_page(request, access, form, title=_("Edit her record"), submit=_("Save"))


def _form_page(
    request: StaffRequest,
    access: selectors.ClientAccess,
    form: Form,
    *,
    title: str,
    submit: str,
    intro: str = "",
    anchor: str = "",
    danger: bool = False,
) -> HttpResponse:
    return render(
        request,
        "cases/form_page.html",
        {
            "access": access,
            "c": access.client,
            "form": form,
            "title": title,
            "submit": submit,
            "intro": intro,
            "back": _client_url(access.client, anchor),
            "danger": danger,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@staff_view
def client_assign(request: StaffRequest, client_id: uuid.UUID) -> HttpResponse:
    actor = request.actor
    access = selectors.client_for(actor, client_id, purpose="assign")
    if not services.assigns_cases(actor, access.client):
        raise services.NotAllowed(_("Only a manager gives cases to caseworkers."))
    caseworkers = selectors.caseworkers_of(access.client.agency_id)
    initial = {"caseworker": str(access.client.caseworker_id or "")}
    form = AssignForm(request.POST if request.method == "POST" else None, initial=initial, caseworkers=caseworkers)
    if form.is_valid():
        try:
            services.client_assign(actor=actor, client=access.client, caseworker_id=form.caseworker_id())
        except services.Invalid as exc:
            show_errors(form, exc)
        else:
            messages.success(request, _("The case is assigned."))
            return redirect(_client_url(access.client))
    return _form_page(request, access, form, title=_("Give her case to a caseworker"), submit=_("Assign"))


@staff_view
def client_assess(request: StaffRequest, client_id: uuid.UUID) -> HttpResponse:
    actor = request.actor
    access = selectors.client_for(actor, client_id, purpose="needs assessment")
    _full(access)
    form = AssessmentForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.assessment_record(
                actor=actor, client=access.client, needs=data["needs"], urgency=data["urgency"], notes=data["notes"]
            )
        except services.Invalid as exc:
            show_errors(form, exc)
        else:
            messages.success(request, _("The needs assessment is recorded."))
            return redirect(_client_url(access.client, "needs"))
    return _form_page(request, access, form, title=_("Record a needs assessment"), submit=_("Save"), anchor="needs")


@staff_view
def client_consent(request: StaffRequest, client_id: uuid.UUID) -> HttpResponse:
    actor = request.actor
    access = selectors.client_for(actor, client_id, purpose="consent")
    _full(access)
    agencies = list(selectors.agencies_of(actor))
    form = ConsentForm(request.POST if request.method == "POST" else None, agencies=agencies)
    if form.is_valid():
        data = form.cleaned_data
        agency = next((a for a in agencies if str(a.pk) == data["agency"]), None)
        try:
            services.consent_record(
                actor=actor, client=access.client, purpose=data["purpose"], method=data["method"], agency=agency
            )
        except services.Invalid as exc:
            show_errors(form, exc)
        else:
            messages.success(request, _("Her consent is recorded."))
            return redirect(_client_url(access.client, "consents"))
    return _form_page(request, access, form, title=_("Record her consent"), submit=_("Save"), anchor="consents")


@staff_view
def consent_withdraw(request: StaffRequest, client_id: uuid.UUID, consent_id: int) -> HttpResponse:
    actor = request.actor
    access = selectors.client_for(actor, client_id, purpose="withdraw consent")
    consent = selectors.consent_for(access, consent_id)
    if request.method == "POST":
        services.consent_withdraw(actor=actor, consent=consent)
        messages.success(request, _("Her consent is withdrawn."))
        return redirect(_client_url(access.client, "consents"))
    return render(request, "cases/consent_withdraw.html", {"access": access, "c": access.client, "consent": consent})


@staff_view
def client_note(request: StaffRequest, client_id: uuid.UUID) -> HttpResponse:
    actor = request.actor
    access = selectors.client_for(actor, client_id, purpose="note")
    form = NoteForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            _note, created = services.note_add_once(
                actor=actor, client=access.client, text=form.cleaned_data["text"], shared=form.cleaned_data["shared"]
            )
        except services.Invalid as exc:
            show_errors(form, exc)
        else:
            if created:
                messages.success(request, _("The note is saved."))
            return redirect(_client_url(access.client, "notes"))
    return _form_page(request, access, form, title=_("Add a note"), submit=_("Save the note"), anchor="notes")


@staff_view
def client_task(request: StaffRequest, client_id: uuid.UUID) -> HttpResponse:
    actor = request.actor
    access = selectors.client_for(actor, client_id, purpose="task")
    form = TaskForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            _task, created = services.task_add_once(
                actor=actor, client=access.client, title=form.cleaned_data["title"], due=form.cleaned_data["due"]
            )
        except services.Invalid as exc:
            show_errors(form, exc)
        else:
            if created:
                messages.success(request, _("The task is added."))
            return redirect(_client_url(access.client, "tasks"))
    return _form_page(request, access, form, title=_("Add a task"), submit=_("Add the task"), anchor="tasks")


@staff_view
def task_done(request: StaffRequest, client_id: uuid.UUID, task_id: uuid.UUID) -> HttpResponse:
    actor = request.actor
    access = selectors.client_for(actor, client_id, purpose="task")
    task = selectors.task_for(actor, access, task_id)
    if request.method == "POST":
        services.task_done(actor=actor, task=task)
        messages.success(request, _("The task is done."))
    return redirect(_client_url(access.client, "tasks"))


@staff_view
def client_refer(request: StaffRequest, client_id: uuid.UUID) -> HttpResponse:
    actor = request.actor
    access = selectors.client_for(actor, client_id, purpose="referral")
    _full(access)
    agencies = selectors.referral_targets(actor)
    form = ReferralForm(
        request.POST if request.method == "POST" else None,
        agencies=agencies,
        initial={"shared": ["name", "languages", "needs"]},
    )
    if form.is_valid():
        data = form.cleaned_data
        to_agency = next(a for a in agencies if str(a.pk) == data["to_agency"])
        try:
            referral, created = services.referral_create_once(
                actor=actor,
                client=access.client,
                to_agency=to_agency,
                shared=data["shared"],
                service_id=data["service"] or None,
                message=data["message"],
                consent_method=data["consent_method"],
            )
        except services.Invalid as exc:
            show_errors(form, exc, fields={"consent": "consent_method"})
        else:
            if created:
                messages.success(request, _("The referral is sent to %(agency)s.") % {"agency": to_agency.name})
            else:
                messages.info(request, _("She already has an open referral to this agency for this; here it is."))
            return redirect("staff:referral", referral_id=referral.pk)
    return _form_page(
        request,
        access,
        form,
        title=_("Refer her to another agency"),
        submit=_("Send the referral"),
        intro=_("The agency sees only the parts you tick, and only while her consent to share with it stands."),
        anchor="referrals",
    )


@staff_view
def client_duplicates(request: StaffRequest, client_id: uuid.UUID) -> HttpResponse:
    actor = request.actor
    access = selectors.client_for(actor, client_id, purpose="duplicates")
    _full(access)
    candidates = selectors.duplicates_for(actor, access.client)
    return render(
        request,
        "cases/duplicates.html",
        {"access": access, "c": access.client, "candidates": candidates, "new": "new" in request.GET},
    )


@staff_view
def client_merge(request: StaffRequest, client_id: uuid.UUID, other_id: uuid.UUID) -> HttpResponse:
    """Two records, side by side; staff choose the one to keep (never automatic)."""
    actor = request.actor
    access = selectors.client_for(actor, client_id, purpose="merge")
    other = selectors.client_for(actor, other_id, purpose="merge")
    if not (access.full and other.full):
        raise services.NotAllowed(_("Only someone who holds both records in full can merge them."))
    records = [access.client, other.client]
    form = MergeForm(
        request.POST if request.method == "POST" else None,
        records=records,
        initial={"keep": str(access.client.pk)},
    )
    if form.is_valid():
        keep = next(c for c in records if str(c.pk) == form.cleaned_data["keep"])
        duplicate = other.client if keep is access.client else access.client
        try:
            services.client_merge(actor=actor, keep=keep, duplicate=duplicate)
        except services.Invalid as exc:
            show_errors(form, exc, fields={"duplicate": "keep"})
        else:
            messages.success(
                request, _("The records are merged into %(code)s.") % {"code": keep.code or keep.reference}
            )
            return redirect(_client_url(keep))
    rows = [(c, _languages(c.languages)) for c in records]
    return render(
        request,
        "cases/merge.html",
        {"access": access, "c": access.client, "rows": rows, "form": form},
        status=400 if form.is_bound and form.errors else 200,
    )


@staff_view
def client_erase(request: StaffRequest, client_id: uuid.UUID) -> HttpResponse:
    actor = request.actor
    access = selectors.client_for(actor, client_id, purpose="erasure request")
    _full(access)
    if not services.handles_rights_requests(actor, access.client):
        raise services.NotAllowed(_("Erasure is done by the agency's manager or the city's coordinator."))
    form = EraseForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        code = access.client.code
        services.client_erase(actor=actor, client=access.client)
        messages.success(request, _("The record %(code)s is erased.") % {"code": code})
        return redirect("staff:clients")
    return render(
        request,
        "cases/erase.html",
        {"access": access, "c": access.client, "form": form},
        status=400 if form.is_bound and form.errors else 200,
    )


@staff_view
def client_export(request: StaffRequest, client_id: uuid.UUID) -> HttpResponse:
    """Her subject-access request: everything held about her, as a JSON file she can take away."""
    actor = request.actor
    access = selectors.client_for(actor, client_id, purpose="subject access request")
    _full(access)
    if not services.handles_rights_requests(actor, access.client):
        raise services.NotAllowed(_("A subject-access request is answered by the agency's manager or coordinator."))
    if request.method != "POST":
        return render(request, "cases/export.html", {"access": access, "c": access.client})
    export = services.subject_access_export(actor=actor, client=access.client)
    response = HttpResponse(
        json.dumps(export, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    name = access.client.code or str(access.client.pk)
    response["Content-Disposition"] = f'attachment; filename="{name}.json"'
    response["Cache-Control"] = "no-store"
    return response


@staff_view
def client_card(request: StaffRequest, client_id: uuid.UUID) -> HttpResponse:
    """A card to print for her: her code, and a QR code of the code alone (nothing else about her)."""
    actor = request.actor
    access = selectors.client_for(actor, client_id, purpose="client card")
    _full(access)
    code = access.client.code or ""
    return render(
        request,
        "cases/card.html",
        {"access": access, "c": access.client, "qr": qr_svg(code, scale=4), "jurisdiction": actor.jurisdiction},
    )


def _state_label(state: str) -> str:
    return str(Referral.State(state).label) if state in Referral.State.values else state


def _refusal(error: services.Invalid) -> str:
    if "consent" in error.errors:
        return str(SERVICE_MESSAGES["consent"])
    return _("This referral cannot be changed that way any more.")


# --- referrals --------------------------------------------------------------------------------


@staff_view
def referrals(request: StaffRequest) -> HttpResponse:
    actor = request.actor
    _works_with_clients(actor)
    return render(
        request,
        "cases/referrals.html",
        {"inbox": selectors.inbox_rows(actor), "sent": selectors.sent_rows(actor)},
    )


@dataclass(frozen=True)
class Action:
    """One thing the actor may do to a referral now: a POST form on its page."""

    state: str
    label: str
    url: str
    form: AnswerForm
    fields: list[BoundField]
    danger: bool = False


ANSWER_FIELDS = {
    Referral.State.DECLINED: ["reason"],
    Referral.State.COMPLETED: ["outcome", "note"],
    Referral.State.UNRESOLVED: ["note"],
}


def _answer_ids(state: str) -> str:
    """Field ids per answer, as several answer forms share the page."""
    return f"id_{state if state in Referral.State.values else 'answer'}_%s"


def _actions(actor: Actor, referral: Referral, bound: AnswerForm | None = None) -> list[Action]:
    labels = {
        Referral.State.SENT: _("Send"),
        Referral.State.ACCEPTED: _("Accept"),
        Referral.State.DECLINED: _("Decline"),
        Referral.State.IN_PROGRESS: _("Start working on it"),
        Referral.State.COMPLETED: _("Complete"),
        Referral.State.UNRESOLVED: _("Close unresolved"),
        Referral.State.WITHDRAWN: _("Withdraw the referral"),
    }
    urls = {
        Referral.State.SENT: reverse("staff:referral-send", args=[referral.pk]),
        Referral.State.WITHDRAWN: reverse("staff:referral-withdraw", args=[referral.pk]),
    }
    answer_url = reverse("staff:referral-answer", args=[referral.pk])
    actions = []
    for state in Referral.State:
        if state not in services.referral_moves(actor, referral):
            continue
        form = (
            bound
            if bound is not None and bound.data.get("to_state") == state
            else AnswerForm(initial={"to_state": state}, auto_id=_answer_ids(state))
        )
        actions.append(
            Action(
                state=state,
                label=labels[state],
                url=urls.get(state, answer_url),
                form=form,
                fields=[form[name] for name in ANSWER_FIELDS.get(state, [])],
                danger=state in (Referral.State.DECLINED, Referral.State.WITHDRAWN, Referral.State.UNRESOLVED),
            )
        )
    return actions


def _render_referral(
    request: StaffRequest, page: selectors.ReferralPage, bound: AnswerForm | None = None
) -> HttpResponse:
    actor = request.actor
    referral = page.referral
    return render(
        request,
        "cases/referral.html",
        {
            "page": page,
            "r": referral,
            "access": page.access,
            "sender": referral.from_agency_id in actor.agency_ids,
            "receiver": referral.to_agency_id in actor.agency_ids,
            "actions": _actions(actor, referral, bound),
            "errors": bound.non_field_errors() if bound is not None else [],
            "shared_labels": [SHARE_LABELS[part] for part in Referral.SHAREABLE if part in referral.shared],
            "events": [(event, _state_label(event.from_state), _state_label(event.to_state)) for event in page.events],
        },
        status=400 if bound is not None and bound.errors else 200,
    )


@staff_view
def referral(request: StaffRequest, referral_id: uuid.UUID) -> HttpResponse:
    page = selectors.referral_page(request.actor, referral_id)
    return _render_referral(request, page)


@staff_view
def referral_answer(request: StaffRequest, referral_id: uuid.UUID) -> HttpResponse:
    actor = request.actor
    page = selectors.referral_page(actor, referral_id)
    if request.method != "POST":
        return redirect("staff:referral", referral_id=page.referral.pk)
    form = AnswerForm(request.POST, auto_id=_answer_ids(request.POST.get("to_state", "")))
    if form.is_valid():
        data = form.cleaned_data
        if page.referral.state == data["to_state"]:  # the same answer sent twice
            return redirect("staff:referral", referral_id=page.referral.pk)
        try:
            services.referral_answer(
                actor=actor,
                referral=page.referral,
                to_state=data["to_state"],
                reason=data["reason"],
                outcome=data["outcome"],
                note=data["note"],
            )
        except services.Invalid as exc:
            show_errors(form, exc)
        else:
            state = _state_label(data["to_state"])
            messages.success(request, _("The referral is now: %(state)s.") % {"state": state})
            return redirect("staff:referral", referral_id=page.referral.pk)
    return _render_referral(request, page, form)


@staff_view
def referral_withdraw(request: StaffRequest, referral_id: uuid.UUID) -> HttpResponse:
    actor = request.actor
    page = selectors.referral_page(actor, referral_id)
    if request.method == "POST" and page.referral.state != Referral.State.WITHDRAWN:
        try:
            services.referral_withdraw(actor=actor, referral=page.referral)
        except services.Invalid as exc:
            messages.error(request, _refusal(exc))
        else:
            messages.success(request, _("The referral is withdrawn."))
    return redirect("staff:referral", referral_id=page.referral.pk)


@staff_view
def referral_send(request: StaffRequest, referral_id: uuid.UUID) -> HttpResponse:
    actor = request.actor
    page = selectors.referral_page(actor, referral_id)
    if request.method == "POST" and page.referral.state == Referral.State.DRAFT:
        try:
            services.referral_send(actor=actor, referral=page.referral)
        except services.Invalid as exc:
            messages.error(request, _refusal(exc))
        else:
            messages.success(request, _("The referral is sent."))
    return redirect("staff:referral", referral_id=page.referral.pk)
