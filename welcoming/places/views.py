from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from welcoming.lib.i18n import normalise_language
from welcoming.places.models import Jurisdiction


def home(request: HttpRequest) -> HttpResponse:
    """The deployment's front door: its jurisdictions and where their directories can be read."""
    language = normalise_language(get_language()) or "en"
    jurisdictions = [(j, j.localized("name", language)) for j in Jurisdiction.objects.all()]
    return render(request, "places/home.html", {"jurisdictions": jurisdictions, "language": language})
