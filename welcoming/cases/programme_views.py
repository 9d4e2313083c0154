"""Staff pages of Fair Entry: the queue, an application with its decisions and documents, the
forms to apply, decide, upload and renew, the city's CSV export, and document downloads.
Pages with her income on them are never cached (nor kept by the portal's service worker).

Thin: each view authorises through the selectors (NotFound → 404), calls one service, renders.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from welcoming.accounts.actors import Actor
from welcoming.accounts.staff import StaffRequest, staff_view
from welcoming.cases import codes, programme_wording, selectors
from welcoming.cases import programme_selectors as fair
from welcoming.cases import programme_services as services
from welcoming.cases.models import Application, Client
from welcoming.cases.programme_forms import ApplicationForm, DecisionForm, UploadForm
from welcoming.cases.services import Invalid, NotAllowed


def _city(actor: Actor) -> str:
    return actor.jurisdiction.name


def _declared(data: dict[str, Any]) -> services.Declared:
    return services.Declared(
        household_size=data["household_size"],
        annual_income=data["annual_income"],
        lives_here=data["lives_here"],
        applicant_age=data["applicant_age"],
        other_ages=data["other_ages"],
    )


def _show_errors(form: Any, exc: Invalid) -> None:
    for name, message in exc.errors.items():
        form.add_error(name if name in form.fields else None, message)


@require_GET
@never_cache
@staff_view
def queue(request: StaffRequest) -> HttpResponse:
    actor = request.actor
    if not actor.works_with_clients:  # analysts see figures, never a person's application
        raise NotAllowed(_("Your role does not work with clients' records."))
    return render(
        request,
        "cases/programmes/queue.html",
        {
            "waiting": fair.queue(actor),
            "renewals": fair.renewals_due(actor),
            "may_decide": actor.sees_whole_jurisdiction,
            "days": fair.RENEWALS_AHEAD_DAYS,
        },
    )


def _applicant(actor: Actor, value: str) -> Client:
    """Her record, by client code or id, among those whose whole record the actor may read."""
    value = value.strip()
    scoped = selectors.clients_in_full_scope(actor)
    if codes.is_valid_client_code(value):
        client = scoped.filter(code=codes.normalise_client_code(value)).first()
        if client is None:
            raise selectors.NotFound
        value = str(client.pk)
    access = selectors.client_for(actor, value, purpose="fair entry application")
    if not access.full:
        raise selectors.NotFound
    return access.client


@require_http_methods(["GET", "POST"])
@never_cache
@staff_view
def application_new(request: StaffRequest) -> HttpResponse:
    """`?client=<code or id>` names her; the form declares the household."""
    actor = request.actor
    wanted = request.GET.get("client", "")
    if not wanted:
        return render(request, "cases/programmes/choose_client.html", {})
    try:
        applicant = _applicant(actor, wanted)
    except selectors.NotFound:
        return render(request, "cases/programmes/choose_client.html", {"wanted": wanted, "not_found": True}, status=404)
    form = ApplicationForm(request.POST or None, initial={"lives_here": True})
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_submit(
                actor=actor,
                applicant=applicant,
                declared=_declared(form.cleaned_data),
                submission=form.cleaned_data["submission"],
            )
        except Invalid as exc:
            _show_errors(form, exc)
        else:
            messages.success(request, _("The application was submitted; each programme has a proposed decision."))
            return redirect("staff:fair-entry-application", application_id=application.pk)
    return render(request, "cases/programmes/application_form.html", {"form": form, "applicant": applicant})


def _page(request: StaffRequest, application: Application, **extra: Any) -> HttpResponse:
    city = _city(request.actor)
    decisions = [
        {
            "decision": decision,
            "proposed": programme_wording.outcome_label(decision.proposed),
            "reasons": programme_wording.reasons(decision.reasons, city=city),
            "form": extra.pop(f"form_{decision.pk}", None) or DecisionForm(),
        }
        for decision in application.decisions.all()
    ]
    renewed = Application.objects.filter(renewal_of=application).values_list("pk", flat=True).first()
    context = {
        "application": application,
        "decisions": decisions,
        "documents": application.documents.all(),
        "may_decide": request.actor.sees_whole_jurisdiction,
        "renewed": renewed,
        "upload_form": extra.pop("upload_form", None) or UploadForm(),
        "today": timezone.localdate(),
    }
    return render(request, "cases/programmes/application.html", context, status=extra.pop("status", 200))


@require_GET
@never_cache
@staff_view
def application(request: StaffRequest, application_id: Any) -> HttpResponse:
    return _page(request, fair.application_for(request.actor, application_id, purpose="fair entry application"))


@require_POST
@staff_view
def decide(request: StaffRequest, application_id: Any, decision_id: Any) -> HttpResponse:
    actor = request.actor
    found = fair.application_for(actor, application_id, purpose="fair entry decision")
    decision = fair.decision_for(actor, found, decision_id)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            if form.cleaned_data["action"] == "approve":
                services.decision_approve(actor=actor, decision=decision, reason=form.cleaned_data["reason"])
            else:
                services.decision_deny(actor=actor, decision=decision, reason=form.cleaned_data["reason"])
        except Invalid as exc:
            _show_errors(form, exc)
        else:
            return redirect("staff:fair-entry-application", application_id=found.pk)
    return _page(request, found, status=400, **{f"form_{decision.pk}": form})


@require_POST
@staff_view
def upload(request: StaffRequest, application_id: Any) -> HttpResponse:
    actor = request.actor
    found = fair.application_for(actor, application_id, purpose="fair entry upload")
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.document_upload(
                actor=actor,
                client=found.applicant,
                upload=form.cleaned_data["file"],
                kind=form.cleaned_data["kind"],
                application=found,
            )
        except Invalid as exc:
            _show_errors(form, exc)
        else:
            messages.success(request, _("The file was checked and kept."))
            return redirect("staff:fair-entry-application", application_id=found.pk)
    return _page(request, found, upload_form=form, status=400)


@require_http_methods(["GET", "POST"])
@never_cache
@staff_view
def renew(request: StaffRequest, application_id: Any) -> HttpResponse:
    actor = request.actor
    found = fair.application_for(actor, application_id, purpose="fair entry renewal")
    initial = {
        "household_size": found.household_size,
        "annual_income": found.annual_income,
        "lives_here": found.lives_here,
    }
    form = ApplicationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            renewal = services.application_renew(
                actor=actor,
                application=found,
                declared=_declared(form.cleaned_data),
                submission=form.cleaned_data["submission"],
            )
        except Invalid as exc:
            _show_errors(form, exc)
        else:
            messages.success(request, _("The renewal was submitted; each programme has a proposed decision."))
            return redirect("staff:fair-entry-application", application_id=renewal.pk)
    return render(
        request,
        "cases/programmes/application_form.html",
        {"form": form, "applicant": found.applicant, "renewing": found},
    )


@require_GET
@staff_view
def export(request: StaffRequest) -> HttpResponse:
    """Every decision of the city's applications, for the city's records (coordinator only)."""
    text = services.decisions_export(actor=request.actor)
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="fair-entry-decisions-{stamp}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@staff_view
def document_download(request: StaffRequest, document_id: Any) -> HttpResponse:
    """The file as an attachment, with the content type its bytes announced at upload, and headers
    that keep a browser from reading it as anything else. Files are small (`UPLOAD_MAX_BYTES`)."""
    document = fair.document_for(request.actor, document_id)
    try:
        with document.file.open("rb") as handle:
            content = handle.read()
    except FileNotFoundError as exc:
        raise Http404("the file is missing") from exc
    stored = document.file.name or ""
    extension = stored.rsplit(".", 1)[-1] if "." in stored else "bin"
    filename = f"{document.kind}-{document.uploaded_at:%Y-%m-%d}-{str(document.pk)[:8]}.{extension}"
    response = HttpResponse(content, content_type=document.content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
