"""`/{lang}/programmes/`: "which city programmes could we get?" — anonymous, stores nothing.

A GET form (so it works without JavaScript, can be bookmarked and shared, and writes nothing):
household size, yearly income, whether the household lives in the city, ages. The answer weighs
every active programme with the very rules staff apply (`cases/eligibility.py`), in her language.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from welcoming.cases import eligibility, programme_wording
from welcoming.cases import programme_selectors as fair
from welcoming.cases.programme_forms import ScreenerForm
from welcoming.portal.views import _base


def _programme(screened: fair.Screened, language: str, city: str) -> dict[str, Any]:
    programme, result = screened.programme, screened.result
    source = programme.jurisdiction.default_language
    name = programme.localized("name", language, source)
    description = programme.localized("description", language, source)
    return {
        "slug": programme.slug,
        "name": name,
        "description": description,
        "outcome": str(result.outcome),
        "label": programme_wording.outcome_label(result.outcome, screener=True),
        "reasons": [
            {"met": reason.met, "text": programme_wording.reason_text(reason.as_dict(), city=city)}
            for reason in result.reasons
        ],
    }


def programmes(request: HttpRequest) -> HttpResponse:
    jurisdiction, language, context = _base(request)
    form = ScreenerForm(request.GET or None)
    # not `asked`: that would have the service worker keep the answer as her last results
    context.update({"form": form, "screened": False})
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        household = eligibility.Household(
            size=data["household_size"],
            income=data["annual_income"],
            lives_here=data["lives_here"] == "yes",
            applicant_age=data["applicant_age"],
            other_ages=data["other_ages"],
        )
        city = context["city"].text
        found = [_programme(screened, language, city) for screened in fair.screen(jurisdiction, household)]
        context.update(
            {
                "screened": True,
                "likely": [p for p in found if p["outcome"] == eligibility.Outcome.ELIGIBLE],
                "maybe": [p for p in found if p["outcome"] == eligibility.Outcome.UNKNOWN],
                "unlikely": [p for p in found if p["outcome"] == eligibility.Outcome.NOT_ELIGIBLE],
            }
        )
    response = render(request, "portal/screener.html", context)
    # her income and ages are in the address: keep them out of shared caches and referrers
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response
